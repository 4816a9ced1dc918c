package dev.zipstream.storage;

/**
 * Whether a storage can serve archives now and, when it cannot, why (for the health data and the log; never a
 * path, a bucket name or a credential, since {@code /q/health} may be reachable from outside).
 */
public record Readiness(boolean up, String reason) {

    public static Readiness ready() {
        return new Readiness(true, null);
    }

    public static Readiness down(String reason) {
        return new Readiness(false, reason);
    }
}
