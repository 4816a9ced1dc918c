package dev.zipstream.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zipstream.Fixtures;
import dev.zipstream.Plans;
import dev.zipstream.storage.ArchiveFolderException;
import dev.zipstream.storage.fs.FileStamp;
import dev.zipstream.storage.fs.LocalFile;
import dev.zipstream.stream.ArchiveBytes;

/**
 * Plans real folders, writes them with the service's cursor, and reads them back with three independent readers:
 * the planned length must be the written length, and every reader must see the folder exactly.
 */
class ArchivePlanTest {

    private static final Instant TIME = Instant.parse("2024-05-17T10:15:30Z");

    @TempDir
    Path root;

    @Test
    void unicodeNestedEmptyFilesAndFoldersRoundTripThroughEveryReader() throws Exception {
        Path folder = root.resolve("album");
        Fixtures.write(folder.resolve("Фото с отпуска/море.jpg"), 50_000, 1);
        Fixtures.write(folder.resolve("Фото с отпуска/вложенная/горы 1.jpg"), 70_000, 2);
        Fixtures.write(folder.resolve("日本/東京 タワー.jpg"), 1_000, 3);
        Fixtures.write(folder.resolve("пустой.txt"), 0, 4);
        Fixtures.write(folder.resolve(".DS_Store"), 10, 5);
        Files.createDirectories(folder.resolve("empty folder"));
        Files.setPosixFilePermissions(folder.resolve("日本/東京 タワー.jpg"),
                PosixFilePermissions.fromString("rwxr-x---"));

        ArchivePlan plan = Plans.of(root.toRealPath(), folder);
        byte[] zip = ArchiveBytes.of(plan);

        assertEquals(plan.length(), zip.length);
        Map<String, byte[]> expected = expectedEntries(folder);
        assertEquals(List.copyOf(expected.keySet()), namesInOrder(plan));
        assertEquals(expected.keySet(), readWithJdkZipFile(zip).keySet());
        assertEntriesEqual(expected, readWithJdkZipFile(zip));
        assertEntriesEqual(expected, readWithZipInputStream(zip));
        assertEntriesEqual(expected, readWithCommonsCompress(zip));

        try (ZipFile zipFile = ZipFile.builder().setByteArray(zip).get()) {
            ZipArchiveEntry photo = zipFile.getEntry("日本/東京 タワー.jpg");
            assertEquals(0750, photo.getUnixMode() & 0777);
            assertEquals(TIME, photo.getLastModifiedTime().toInstant(), "extended timestamp read back");
            assertTrue(zipFile.getEntry("empty folder/").isDirectory());
            assertTrue(photo.getGeneralPurposeBit().usesUTF8ForNames());
            assertTrue(!photo.getGeneralPurposeBit().usesDataDescriptor());
        }
    }

    @Test
    void emptyFolderIsAnEmptyZip() throws Exception {
        Path folder = Files.createDirectories(root.resolve("nothing"));
        ArchivePlan plan = Plans.of(root.toRealPath(), folder);
        byte[] zip = ArchiveBytes.of(plan);
        assertEquals(22, plan.length());
        assertEquals(22, zip.length);
        assertEquals(Map.of(), readWithCommonsCompress(zip));
    }

    @Test
    void sameFolderSameBytesAndEtagAndAChangeChangesTheEtag() throws Exception {
        Path folder = root.resolve("stable");
        Fixtures.write(folder.resolve("a.bin"), 3_000, 1);
        Fixtures.write(folder.resolve("b/c.bin"), 5_000, 2);
        Plans scanner = new Plans(root.toRealPath());

        ArchivePlan first = scanner.plan(folder);
        ArchivePlan second = scanner.plan(folder);
        assertArrayEquals(ArchiveBytes.of(first), ArchiveBytes.of(second));
        assertEquals(first.etag(), second.etag());
        assertTrue(first.etag().matches("\"[A-Za-z0-9_-]{27}\""), first.etag());

        Files.setLastModifiedTime(folder.resolve("a.bin"), FileTime.from(TIME.plusSeconds(1)));
        assertNotEquals(first.etag(), scanner.plan(folder).etag());
    }

    @Test
    void rewriteWithTheSameSizeAndTheOldModificationTimeStillChangesTheStamp() throws Exception {
        Path folder = root.resolve("synced");
        Fixtures.write(folder.resolve("photo.jpg"), 4_000, 1);
        Plans scanner = new Plans(root.toRealPath());
        ArchivePlan before = scanner.plan(folder);

        Thread.sleep(20); // let the clock move past the first write's ctime
        Fixtures.write(folder.resolve("photo.jpg"), 4_000, 2); // same size and mtime, as rsync -t leaves it
        ArchivePlan after = scanner.plan(folder);

        FileStamp old = ((LocalFile) before.entries().get(0).source()).stamp();
        FileStamp now = ((LocalFile) after.entries().get(0).source()).stamp();
        assertEquals(old.size(), now.size());
        assertEquals(old.modifiedNanos(), now.modifiedNanos());
        assertTrue(!old.sameContentAs(now), "ctime tells the rewrite apart");
        assertNotEquals(before.etag(), after.etag());
    }

    @Test
    void symbolicLinksAreFollowedInsideTheRootAndRefusedOutsideIt() throws Exception {
        Path outside = Files.createDirectories(root.resolve("outside"));
        Path served = Files.createDirectories(root.resolve("served"));
        Fixtures.write(outside.resolve("secret"), 10, 1);
        Path folder = served.resolve("album");
        Fixtures.write(folder.resolve("real.jpg"), 100, 2);
        Files.createSymbolicLink(folder.resolve("alias.jpg"), Path.of("real.jpg"));
        Plans scanner = new Plans(served.toRealPath());

        ArchivePlan plan = scanner.plan(folder);
        assertEquals(List.of("alias.jpg", "real.jpg"), namesInOrder(plan));

        Files.createSymbolicLink(Files.createDirectories(folder.resolve("deep/er")).resolve("out"), outside);
        ArchiveFolderException.OutsideRoot refused = assertThrows(ArchiveFolderException.OutsideRoot.class,
                () -> scanner.plan(folder));
        assertTrue(refused.location().endsWith("deep/er/out"));
    }

    @Test
    void unreadableFileIsFoundWhilePlanning() throws Exception {
        Path folder = root.resolve("locked");
        Fixtures.write(folder.resolve("ok.jpg"), 10, 1);
        Fixtures.write(folder.resolve("locked.jpg"), 10, 2);
        Plans scanner = new Plans(root.toRealPath(),
                (path, owner) -> !path.getFileName().toString().equals("locked.jpg"));
        ArchiveFolderException.Unreadable e = assertThrows(ArchiveFolderException.Unreadable.class,
                () -> scanner.plan(folder));
        assertTrue(e.location().endsWith("locked.jpg"));
    }

    /**
     * A folder of more than {@code FolderScanner.PARALLEL_LOOKUPS_FROM} files has them looked up on all cores:
     * the archive is still in name order with each file's own bytes, and an unreadable file or a link out of
     * the root among them still refuses the archive, as the first one in name order would.
     */
    @Test
    void aFolderOfThousandsOfFilesPlansInOrderAndRefusesAsASmallOneDoes() throws Exception {
        Path served = Files.createDirectories(root.resolve("served"));
        Path folder = served.resolve("thumbs");
        for (int i = 0; i < 2_000; i++) {
            Fixtures.write(folder.resolve(String.format("t%04d.jpg", i)), 10 + i % 7, i);
        }
        Fixtures.write(folder.resolve(".hidden"), 10, 1);
        ArchivePlan plan = Plans.of(served.toRealPath(), folder);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            expected.add(String.format("t%04d.jpg", i));
        }
        assertEquals(expected, namesInOrder(plan));
        assertEntriesEqual(expectedEntries(folder), readWithZipInputStream(ArchiveBytes.of(plan)));

        Plans locking = new Plans(served.toRealPath(),
                (path, owner) -> !path.getFileName().toString().equals("t1500.jpg"));
        ArchiveFolderException.Unreadable unreadable = assertThrows(ArchiveFolderException.Unreadable.class,
                () -> locking.plan(folder));
        assertTrue(unreadable.location().endsWith("t1500.jpg"), unreadable.location());

        Path outside = Files.createDirectories(root.resolve("outside"));
        Files.createSymbolicLink(folder.resolve("t0999-out"), outside);
        ArchiveFolderException.OutsideRoot refused = assertThrows(ArchiveFolderException.OutsideRoot.class,
                () -> locking.plan(folder), "the link comes before the unreadable file in name order");
        assertTrue(refused.location().endsWith("t0999-out"), refused.location());
    }

    /**
     * Sub-folders are listed one ahead of the walk, on another core: the archive still comes in walk order, a
     * hidden sub-folder is still left out, a link to a folder inside the root is still followed, and an
     * unreadable sub-folder, or one whose listing fails, refuses the archive when the walk reaches it and not
     * before, so an earlier failure in name order is the one reported.
     */
    @Test
    void subfoldersListedAheadOfTheWalkPlanInWalkOrderAndRefuseInNameOrder() throws Exception {
        Path served = Files.createDirectories(root.resolve("served"));
        Path folder = served.resolve("album");
        for (int d = 0; d < 12; d++) {
            int files = d % 3 == 0 ? 300 : 5; // some folders large enough to be looked up on all cores
            for (int f = 0; f < files; f++) {
                Fixtures.write(folder.resolve(String.format("d%02d/f%03d.jpg", d, f)), 10 + f % 5, d * 1000 + f);
            }
            if (d % 4 == 1) {
                Fixtures.write(folder.resolve(String.format("d%02d/nested/deeper/n.jpg", d)), 20, d);
            }
        }
        Fixtures.write(folder.resolve(".hidden-folder/secret.jpg"), 10, 1);
        Fixtures.write(folder.resolve("top.jpg"), 10, 2);
        Files.createSymbolicLink(folder.resolve("d05-link"), folder.resolve("d02"));
        ArchivePlan plan = Plans.of(served.toRealPath(), folder);
        Map<String, byte[]> expected = expectedEntries(folder);
        assertTrue(expected.containsKey("d05-link/f000.jpg") && expected.containsKey("d09/nested/deeper/n.jpg"));
        assertEquals(List.copyOf(expected.keySet()), namesInOrder(plan));
        assertEntriesEqual(expected, readWithZipInputStream(ArchiveBytes.of(plan)));

        Plans locking = new Plans(served.toRealPath(),
                (path, owner) -> !path.getFileName().toString().matches("d07|d10"));
        ArchiveFolderException.Unreadable unreadable = assertThrows(ArchiveFolderException.Unreadable.class,
                () -> locking.plan(folder));
        assertTrue(unreadable.location().endsWith("d07"), unreadable.location());

        Path outside = Files.createDirectories(root.resolve("outside"));
        Files.createSymbolicLink(folder.resolve("d05/nested/out"), outside);
        ArchiveFolderException.OutsideRoot refused = assertThrows(ArchiveFolderException.OutsideRoot.class,
                () -> locking.plan(folder), "the link in d05's sub-folder comes before d07 in walk order");
        assertTrue(refused.location().endsWith("d05/nested/out"), refused.location());
    }

    /** The folder as a reader should see it: directories with a slash, hidden files left out, sorted walk. */
    private static Map<String, byte[]> expectedEntries(Path folder) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        collect(folder, "", entries);
        return entries;
    }

    private static void collect(Path dir, String prefix, Map<String, byte[]> out) throws IOException {
        List<Path> children = new ArrayList<>();
        try (var stream = Files.list(dir)) {
            stream.forEach(children::add);
        }
        Collections.sort(children, (a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        for (Path child : children) {
            String name = child.getFileName().toString();
            if (name.startsWith(".")) {
                continue;
            }
            if (Files.isDirectory(child)) {
                out.put(prefix + name + "/", null);
                collect(child, prefix + name + "/", out);
            } else {
                out.put(prefix + name, Files.readAllBytes(child));
            }
        }
    }

    private static List<String> namesInOrder(ArchivePlan plan) {
        return plan.entries().stream().map(ArchiveEntry::name).toList();
    }

    static Map<String, byte[]> readWithJdkZipFile(byte[] zip) throws IOException {
        Path file = Files.createTempFile("archive", ".zip");
        try {
            Files.write(file, zip);
            Map<String, byte[]> entries = new LinkedHashMap<>();
            try (java.util.zip.ZipFile zipFile = new java.util.zip.ZipFile(file.toFile(), StandardCharsets.UTF_8)) {
                for (ZipEntry entry : Collections.list(zipFile.entries())) {
                    entries.put(entry.getName(),
                            entry.isDirectory() ? null : zipFile.getInputStream(entry).readAllBytes());
                }
            }
            return entries;
        } finally {
            Files.delete(file);
        }
    }

    static Map<String, byte[]> readWithZipInputStream(byte[] zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip), StandardCharsets.UTF_8)) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                entries.put(entry.getName(), entry.isDirectory() ? null : in.readAllBytes());
            }
        }
        return entries;
    }

    static Map<String, byte[]> readWithCommonsCompress(byte[] zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zipFile = ZipFile.builder().setByteArray(zip).get()) {
            for (ZipArchiveEntry entry : Collections.list(zipFile.getEntriesInPhysicalOrder())) {
                entries.put(entry.getName(),
                        entry.isDirectory() ? null : zipFile.getInputStream(entry).readAllBytes());
            }
        }
        return entries;
    }

    static void assertEntriesEqual(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, bytes) -> assertArrayEquals(bytes, actual.get(name), name));
    }
}
