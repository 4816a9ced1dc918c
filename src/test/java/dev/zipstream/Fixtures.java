package dev.zipstream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Random;

/**
 * The folders the HTTP tests serve, made once per test run under {@code target/test-fixtures} (the
 * {@code folder.path} that surefire passes to the application): the sample photos plus folders of every shape that
 * matters (UTF-8 names, nesting, empty files and folders, symbolic links inside and out of the root).
 */
public final class Fixtures {

    public static final Path ROOT = Path.of("target/test-fixtures").toAbsolutePath();
    public static final Path OUTSIDE = Path.of("target/test-outside").toAbsolutePath();
    private static boolean made;

    private Fixtures() {
    }

    public static synchronized Path root() {
        if (!made) {
            try {
                make();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            made = true;
        }
        return ROOT;
    }

    private static void make() throws IOException {
        deleteTree(ROOT);
        deleteTree(OUTSIDE);
        Files.createDirectories(ROOT);
        Files.createDirectories(OUTSIDE);
        Files.writeString(OUTSIDE.resolve("secret.txt"), "must never be served\n");

        copyTree(Path.of("test_photos"), ROOT);

        Path simple = ROOT.resolve("simple");
        write(simple.resolve("a.bin"), 10_000, 1);
        write(simple.resolve("b.bin"), 1, 2);
        write(simple.resolve("c.bin"), 70_000, 3);

        Path unicode = ROOT.resolve("unicode_names");
        write(unicode.resolve("Фото с отпуска/море.jpg"), 50_000, 4);
        write(unicode.resolve("Фото с отпуска/вложенная/горы 1.jpg"), 70_000, 5);
        write(unicode.resolve("日本/東京 タワー.jpg"), 1_000, 6);
        write(unicode.resolve("пустой.txt"), 0, 7);
        Files.createDirectories(unicode.resolve("empty folder"));
        write(unicode.resolve(".hidden"), 10, 8);

        Files.createDirectories(ROOT.resolve("empty"));

        Path big = ROOT.resolve("big");
        write(big.resolve("one.bin"), 6 << 20, 9);
        write(big.resolve("two.bin"), 3 << 20, 10);

        Path escape = ROOT.resolve("escape");
        write(escape.resolve("fine.jpg"), 100, 11);
        Files.createSymbolicLink(escape.resolve("passwd"), OUTSIDE.resolve("secret.txt"));

        Path deepEscape = ROOT.resolve("deep_escape");
        write(deepEscape.resolve("a/b/fine.jpg"), 100, 12);
        Files.createSymbolicLink(deepEscape.resolve("a/b/c"), OUTSIDE);

        Path innerLink = ROOT.resolve("inner_link");
        write(innerLink.resolve("real.jpg"), 2_000, 13);
        Files.createSymbolicLink(innerLink.resolve("alias.jpg"), Path.of("real.jpg"));
        Files.createSymbolicLink(innerLink.resolve("dangling.jpg"), Path.of("missing.jpg"));

        Files.createSymbolicLink(ROOT.resolve("outside_link"), OUTSIDE);

        // A link up to the served root itself would list every folder name: the links' secrets.
        Path rootLink = ROOT.resolve("root_link");
        write(rootLink.resolve("fine.jpg"), 100, 17);
        Files.createSymbolicLink(rootLink.resolve("up"), Path.of(".."));

        for (int i = 0; i < 300; i++) {
            write(ROOT.resolve("small_files/thumb_" + i + ".jpg"), 20_000, 100 + i);
        }

        Path unreadable = ROOT.resolve("with_unreadable");
        write(unreadable.resolve("ok.jpg"), 100, 14);
        write(unreadable.resolve(UnreadableForTests.PREFIX + "photo.jpg"), 100, 15);

        write(ROOT.resolve("tiny/note.txt"), 10_000, 16);

        Path text = ROOT.resolve("text_files");
        Files.createDirectories(text.resolve("chapters/empty"));
        Files.writeString(text.resolve("readme.txt"), "All work and no play. ".repeat(20_000));
        Files.writeString(text.resolve("chapters/один.txt"), "Глава первая.\n".repeat(5_000));
        Files.writeString(text.resolve("chapters/empty.txt"), "");

        // Fixed folder times too, so archives (their directory entries, Last-Modified) are the same every run.
        try (var folders = Files.walk(ROOT)) {
            for (Path folder : folders.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .toList()) {
                Files.setLastModifiedTime(folder, FileTime.from(Instant.parse("2024-05-17T10:15:30Z")));
            }
        }
    }

    /** A file of {@code size} pseudo-random bytes with a fixed time, so archives are reproducible. */
    /**
     * Writes new bytes over the whole of a file, keeping its size and inode: a rewrite in place, which only its
     * stamp's times tell from the planned version.
     */
    public static void overwriteInPlace(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            byte[] bytes = new byte[(int) channel.size()];
            new Random(99).nextBytes(bytes);
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer, buffer.position());
            }
        }
    }

    public static void write(Path file, int size, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        Files.write(file, bytes);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2024-05-17T10:15:30Z")));
    }

    static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
