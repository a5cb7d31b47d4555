package io.j8s.store.sqlite;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Store keys as the bytes SQLite keeps: keys are stored as UTF-8 BLOBs so that SQLite orders them
 * byte by byte, as etcd does. UTF-8 never contains the byte 0xFF, which gives every prefix a simple
 * exclusive upper bound.
 */
final class KeyBytes {
    private static final byte[] AFTER_ALL_KEYS = {(byte) 0xFF};

    private KeyBytes() {}

    static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }

    /** The smallest key greater than every key that starts with {@code prefix}. */
    static byte[] prefixEnd(byte[] prefix) {
        if (prefix.length == 0) {
            return AFTER_ALL_KEYS;
        }
        byte[] end = Arrays.copyOf(prefix, prefix.length);
        // The last byte of valid UTF-8 is at most 0xF4, so incrementing it never carries.
        end[end.length - 1]++;
        return end;
    }

    /** The smallest key greater than {@code key}: the key followed by a zero byte. */
    static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    /** The larger of two keys. */
    static byte[] max(byte[] a, byte[] b) {
        return compare(a, b) >= 0 ? a : b;
    }
}
