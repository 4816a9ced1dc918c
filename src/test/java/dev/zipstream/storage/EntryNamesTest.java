package dev.zipstream.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The entry-name rules one by one, on strings and on raw bytes, and the per-archive suffixes. */
class EntryNamesTest {

    @Test
    void separatorsDriveLettersAndDotSegmentsBecomeHarmless() {
        assertEquals("C%3A%5Ctemp%5Ca.txt", EntryNames.segment("C:\\temp\\a.txt"));
        assertEquals("a%5C..%5C..%5Cx.exe", EntryNames.segment("a\\..\\..\\x.exe"));
        assertEquals("%2E", EntryNames.segment("."));
        assertEquals("%2E%2E", EntryNames.segment(".."));
        assertEquals("%2E%2E%20", EntryNames.segment(".. "), "Windows drops the trailing space");
        assertEquals("%20", EntryNames.segment(" "), "a name Windows would make empty");
        assertEquals("a. ", EntryNames.segment("a. "), "not only dots and spaces");
        assertEquals("a%2Fb", EntryNames.segment("a/b"), "a slash inside an object key's segment");
        assertEquals("_", EntryNames.segment(""), "an empty segment of an object key");
        assertEquals("time 12:30.jpg", EntryNames.segment("time 12:30.jpg"), "a colon past the start is kept");
        assertEquals("1:2.txt", EntryNames.segment("1:2.txt"), "a drive letter is a letter");
        assertEquals("..txt", EntryNames.segment("..txt"));
        assertEquals("100% sure.jpg", EntryNames.segment("100% sure.jpg"), "a literal % is kept");
    }

    @Test
    void controlsEscapesAndBidiOverridesAreEscapedVisibly() {
        assertEquals("ctl%01%1B[31mred.txt", EntryNames.segment("ctl\u0001\u001b[31mred.txt"));
        assertEquals("photo%E2%80%AEgpj.exe", EntryNames.segment("photo\u202Egpj.exe"));
        assertEquals("%E2%81%A6x%E2%81%A9", EntryNames.segment("\u2066x\u2069"));
        assertEquals("%7F%C2%85%C2%9F", EntryNames.segment("\u007f\u0085\u009f"));
        assertEquals("%00%09%0A%0D", EntryNames.segment("\0\t\n\r"));
        assertEquals("%E2%80%8E%E2%80%8F%D8%9C", EntryNames.segment("\u200e\u200f\u061c"));
        assertEquals("Фото 日本 ☃ 😀.jpg", EntryNames.segment("Фото 日本 ☃ 😀.jpg"), "other text is kept");
    }

    @Test
    void bytesThatAreNotUtf8AreEscapedOneByOne() {
        assertEquals("bad%FF.txt", EntryNames.segment(bytes(0x62, 0x61, 0x64, 0xFF, 0x2E, 0x74, 0x78, 0x74)));
        assertEquals("%C3", EntryNames.segment(bytes(0xC3)), "a truncated sequence");
        assertEquals("%ED%A0%80", EntryNames.segment(bytes(0xED, 0xA0, 0x80)), "an encoded surrogate");
        assertEquals("%C0%AF", EntryNames.segment(bytes(0xC0, 0xAF)), "an overlong slash");
        assertEquals("é%FFé", EntryNames.segment(bytes(0xC3, 0xA9, 0xFF, 0xC3, 0xA9)), "valid parts kept");
        assertFalse(EntryNames.segment(bytes(0xFE, 0xFF)).contains("\uFFFD"));
        assertEquals("%EF%BF%BD", EntryNames.segment("\uFFFD"), "a stored U+FFFD is escaped too");
    }

    @Test
    void namesAreInNfc() {
        assertEquals("Caf\u00e9.txt", EntryNames.segment("Cafe\u0301.txt"));
        assertEquals("Caf\u00e9.txt", EntryNames.segment("Caf\u00e9.txt"));
        assertEquals("C%3A%CC%80", EntryNames.segment("C:\u0300"), "a mark on an escape would make %3\u00c0");
        assertEquals("%1E%CC%A3%CC%83x\u0303", EntryNames.segment("\u001e\u0303\u0323x\u0303"),
                "every mark after an escape (in canonical order), none after a letter");
        assertTrue(java.text.Normalizer.isNormalized(EntryNames.segment("a\\\u0301\u0327"),
                java.text.Normalizer.Form.NFC));
    }

    @Test
    void collisionsGetTheFirstFreeSuffixWithTheExtensionKept() {
        EntryNames names = new EntryNames();
        assertEquals("Caf\u00e9.txt", names.nameOfStrings(List.of("Cafe\u0301.txt"), false));
        assertEquals("Caf\u00e9 (2).txt", names.nameOfStrings(List.of("Caf\u00e9.txt"), false));
        assertEquals("caf\u00e9 (3).txt", names.nameOfStrings(List.of("caf\u00e9.txt"), false), "case folded");
        assertEquals("a (2).jpg", names.nameOfStrings(List.of("a (2).jpg"), false));
        assertEquals("a.jpg", names.nameOfStrings(List.of("a.jpg"), false));
        assertEquals("A (3).jpg", names.nameOfStrings(List.of("A.jpg"), false), "(2) is taken by a real file");
        assertEquals(".profile (2)", suffixed(".profile"), "a leading dot starts no extension");
        assertEquals("archive.tar (2).gz", suffixed("archive.tar.gz"));
        assertEquals("README (2)", suffixed("README"));
    }

    @Test
    void aRenamedFolderCarriesItsNameToItsContents() {
        EntryNames names = new EntryNames();
        assertEquals("x/", names.nameOfStrings(List.of("x"), true));
        assertEquals("X (2)", names.nameOfStrings(List.of("X"), false), "a file and a folder of one name");
        assertEquals("d%01/", names.nameOfStrings(List.of("d\u0001"), true));
        assertEquals("d%01 (2)/", names.nameOfStrings(List.of("d%01"), true));
        assertEquals("d%01 (2)/f.txt", names.nameOfStrings(List.of("d%01", "f.txt"), false));
        assertEquals("d%01/f.txt", names.nameOfStrings(List.of("d\u0001", "f.txt"), false));
        assertEquals("implicit%5C/f.txt", names.nameOfStrings(List.of("implicit\\", "f.txt"), false),
                "a folder an object store never lists as an entry");
    }

    @Test
    void hiddenNamesStartWithADot() {
        assertTrue(EntryNames.isHidden(".DS_Store".getBytes(StandardCharsets.UTF_8)));
        assertTrue(EntryNames.isHidden(".."));
        assertFalse(EntryNames.isHidden("a.b"));
    }

    private static String suffixed(String name) {
        EntryNames names = new EntryNames();
        names.nameOfStrings(List.of(name), false);
        return names.nameOfStrings(List.of(name), false);
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
