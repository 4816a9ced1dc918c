package dev.zipstream.storage.s3;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import dev.zipstream.storage.StoredObject;

/**
 * One version of an S3 object as listed: bucket, key, size and ETag. The ETag changes with the content, so it
 * keys the CRC-32 caches, feeds the archive's tag (the same on every replica), and goes into every GET as
 * {@code If-Match}, which makes a replaced object fail loudly instead of mixing two versions.
 */
public record BucketObject(String bucket, String key, long size, String etag) implements StoredObject {

    @Override
    public void fingerprint(MessageDigest digest) {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        byte[] etagBytes = etag.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(4).putInt(keyBytes.length).array());
        digest.update(keyBytes);
        digest.update(ByteBuffer.allocate(4).putInt(etagBytes.length).array());
        digest.update(etagBytes);
    }

    @Override
    public String location() {
        return "s3://" + bucket + "/" + key;
    }

    /** Size and ETag: the ETag changes with the content, and the key is the folder's and the entry's name. */
    @Override
    public String indexStamp() {
        return size + ":" + etag;
    }

    /** Not needed: objects are not scanned in the background. */
    @Override
    public long changedNanos() {
        return 0;
    }
}
