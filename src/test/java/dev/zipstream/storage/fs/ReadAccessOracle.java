package dev.zipstream.storage.fs;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * Run by {@link ServiceUserAccessTest} in a JVM of its own as another user: for every file in the folder given,
 * prints its name, what {@code access(2)} says, what the service decides ({@link ServiceUserAccess#forThisProcess})
 * and what the bits alone say, after a first line with whose ids the service found. Uses nothing but the JDK and
 * the few classes the test copies for it, so that user need not reach the build's folders.
 */
public final class ReadAccessOracle {

    private ReadAccessOracle() {
    }

    public static void main(String[] args) throws Exception {
        FolderScanner.ReadAccess service = ServiceUserAccess.forThisProcess();
        System.out.println(service);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(Path.of(args[0]))) {
            for (Path file : files) {
                Map<String, Object> stat = Files.readAttributes(file, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
                FileOwner owner = new FileOwner((Integer) stat.get("mode") & 07777, (Integer) stat.get("uid"),
                        (Integer) stat.get("gid"));
                boolean bits = service instanceof ServiceUserAccess user && user.bitsGrantRead(owner);
                System.out.println(file.getFileName() + " " + Files.isReadable(file) + " "
                        + service.isReadable(file, owner) + " " + bits);
            }
        }
    }
}
