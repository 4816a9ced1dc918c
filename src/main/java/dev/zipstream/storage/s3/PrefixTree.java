package dev.zipstream.storage.s3;

import java.time.Instant;
import java.util.List;
import java.util.TreeMap;

import dev.zipstream.storage.Listing;

/**
 * The keys below one prefix as the folder tree they stand for, so that an S3 folder gives the same entries, in the
 * same order, as the same tree on a volume: every directory (a marker key ending in {@code /}, or only implied by
 * longer keys) as an entry of its own before its contents, siblings sorted by name.
 */
final class PrefixTree {

    static final int FILE_MODE = 0644;
    static final int DIRECTORY_MODE = 0755;

    private static final class Node {
        final TreeMap<String, Node> children = new TreeMap<>();
        BucketObject object;
        /** Set by a directory marker; otherwise a directory takes its newest descendant's time. */
        Instant markerModified;
        Instant fileModified;

        boolean isDirectory() {
            return object == null;
        }
    }

    private final Node root = new Node();

    /** Adds a file at {@code name} ({@code a/b/c.jpg}); false if a file or directory of that name is there. */
    boolean addFile(String name, BucketObject object, Instant modified) {
        String[] segments = name.split("/");
        Node parent = directory(segments, segments.length - 1);
        if (parent == null || parent.children.containsKey(segments[segments.length - 1])) {
            return false;
        }
        Node file = new Node();
        file.object = object;
        file.fileModified = modified;
        parent.children.put(segments[segments.length - 1], file);
        return true;
    }

    /** Adds a directory marker for {@code name} (without its trailing {@code /}); false if a file is in the way. */
    boolean addDirectory(String name, Instant modified) {
        String[] segments = name.split("/");
        Node directory = directory(segments, segments.length);
        if (directory == null) {
            return false;
        }
        directory.markerModified = modified;
        return true;
    }

    /** The directory node for the first {@code depth} segments, made as needed; null if a file is in the way. */
    private Node directory(String[] segments, int depth) {
        Node node = root;
        for (int i = 0; i < depth; i++) {
            Node child = node.children.get(segments[i]);
            if (child == null) {
                child = new Node();
                node.children.put(segments[i], child);
            } else if (!child.isDirectory()) {
                return null;
            }
            node = child;
        }
        return node;
    }

    /** Every entry in archive order. */
    void entries(List<Listing.Entry> out) {
        walk(root, "", out);
    }

    private static void walk(Node directory, String prefix, List<Listing.Entry> out) {
        for (var child : directory.children.entrySet()) {
            Node node = child.getValue();
            String name = prefix + child.getKey();
            if (node.isDirectory()) {
                out.add(new Listing.Entry(name + "/", true, modified(node).getEpochSecond(), DIRECTORY_MODE, null));
                walk(node, name + "/", out);
            } else {
                out.add(new Listing.Entry(name, false, node.fileModified.getEpochSecond(), FILE_MODE, node.object));
            }
        }
    }

    /** A directory's time: its marker's, else its newest descendant's (the epoch for an empty implied one). */
    private static Instant modified(Node node) {
        if (!node.isDirectory()) {
            return node.fileModified;
        }
        if (node.markerModified != null) {
            return node.markerModified;
        }
        Instant newest = Instant.EPOCH;
        for (Node child : node.children.values()) {
            Instant time = modified(child);
            newest = time.isAfter(newest) ? time : newest;
        }
        return newest;
    }
}
