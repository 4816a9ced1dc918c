package dev.zipstream.http;

import dev.zipstream.plan.ArchivePlan;
import dev.zipstream.stream.ByteRange;

/**
 * The entity of a 200 or 206 archive response: what to send. {@link ArchiveBodyWriter} writes it.
 *
 * @param hash the archive's link name, for logs
 * @param plan the archive
 * @param range the span to send (the whole archive for a 200)
 * @param rangeLabel how the span is logged ({@code -} for the whole archive)
 * @param deflated whether files are deflated (then the whole archive is sent, chunked, and {@code range} is
 *        unused)
 * @param downloadEnded run once the download has ended, however it ended
 */
public record ArchiveBody(String hash, ArchivePlan plan, ByteRange range, String rangeLabel, boolean deflated,
        Runnable downloadEnded) {
}
