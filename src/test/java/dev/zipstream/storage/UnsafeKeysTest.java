package dev.zipstream.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The rule for names that may become entries, on the keys an S3 bucket can hold. */
class UnsafeKeysTest {

    @Test
    void namesThatCouldLeaveTheTargetFolderOrMeanTwoPathsAreRefused() {
        for (String unsafe : List.of("../escape.txt", "a/../../escape.txt", "a/..", "..", "./dot.txt", "a/./b",
                ".", "a//b.txt", "/rooted.txt", "a/", "back\\slash.txt", "..\\..\\win.txt", "ctl\u0001char",
                "new\nline", "del\u007fete", "c1\u0085control", "")) {
            assertTrue(EntryNames.unsafeReason(unsafe).isPresent(), "refused: " + unsafe.replace("\n", "\\n"));
        }
    }

    @Test
    void ordinaryNamesAreKept() {
        for (String safe : List.of("photo.jpg", "Фото с отпуска/море.jpg", "日本/東京 タワー.jpg", "a b/c d.txt",
                "..hidden-looking but fine", "a/b/c/d.e", "trailing dot.", "x..y/z", "😀.png")) {
            assertEquals(Optional.empty(), EntryNames.unsafeReason(safe), safe);
        }
    }
}
