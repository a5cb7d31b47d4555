package io.j8s.store.etcd;

import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Maps store keys ({@code /registry/<rest>}) to etcd keys ({@code <keyPrefix><rest>}) and back.
 * Immutable.
 */
final class KeyMapper {
    static final String STORE_ROOT = "/registry/";

    private final String keyPrefix;

    KeyMapper(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    /**
     * @throws IllegalArgumentException when {@code storeKey} is not under {@code /registry/}
     */
    ByteSequence toEtcd(String storeKey) {
        return ByteSequence.from(etcdBytes(storeKey));
    }

    byte[] etcdBytes(String storeKey) {
        if (!storeKey.startsWith(STORE_ROOT)) {
            throw new IllegalArgumentException(
                    "etcd store keys and prefixes must begin with "
                            + STORE_ROOT
                            + " but got "
                            + storeKey);
        }
        return (keyPrefix + storeKey.substring(STORE_ROOT.length()))
                .getBytes(StandardCharsets.UTF_8);
    }

    String toStore(ByteSequence etcdKey) {
        String key = etcdKey.toString(StandardCharsets.UTF_8);
        if (!key.startsWith(keyPrefix)) {
            throw new IllegalStateException(
                    "etcd returned key " + key + " outside the prefix " + keyPrefix);
        }
        return STORE_ROOT + key.substring(keyPrefix.length());
    }

    /** The etcd key of the prefix's root itself, a key the store never writes. */
    ByteSequence root() {
        return ByteSequence.from(keyPrefix, StandardCharsets.UTF_8);
    }

    /** The smallest key after every key that starts with {@code prefix} (etcd's range_end). */
    static ByteSequence prefixEnd(byte[] prefix) {
        byte[] end = Arrays.copyOf(prefix, prefix.length);
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xFF) {
                end[i]++;
                return ByteSequence.from(Arrays.copyOf(end, i + 1));
            }
        }
        // All 0xFF (or empty): etcd's "\0" means "to the end of the key space".
        return ByteSequence.from(new byte[] {0});
    }

    /** The smallest key after {@code key}. */
    static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }
}
