package io.j8s.api.protobuf;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Builds protobuf messages field by field with {@link CodedOutputStream}, for hand-made test
 * bodies: {@code new ProtoMessage().string(1, "x").message(2, new ProtoMessage()...)}.
 */
final class ProtoMessage {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

    ProtoMessage string(int field, String value) {
        return write(() -> out.writeString(field, value));
    }

    ProtoMessage bytes(int field, byte[] value) {
        return write(() -> out.writeByteArray(field, value));
    }

    ProtoMessage int32(int field, int value) {
        return write(() -> out.writeInt32(field, value));
    }

    ProtoMessage int64(int field, long value) {
        return write(() -> out.writeInt64(field, value));
    }

    ProtoMessage bool(int field, boolean value) {
        return write(() -> out.writeBool(field, value));
    }

    ProtoMessage fixed64(int field, long value) {
        return write(() -> out.writeFixed64(field, value));
    }

    ProtoMessage message(int field, ProtoMessage value) {
        return write(() -> out.writeByteArray(field, value.toByteArray()));
    }

    /** A map entry: key as field 1, value message as field 2. */
    ProtoMessage entry(int field, String key, ProtoMessage value) {
        return message(field, new ProtoMessage().string(1, key).message(2, value));
    }

    /** A string map entry. */
    ProtoMessage entry(int field, String key, String value) {
        return message(field, new ProtoMessage().string(1, key).string(2, value));
    }

    /** Packed repeated int64 values (wire type 2). */
    ProtoMessage packedInt64(int field, long... values) {
        return write(
                () -> {
                    int size = 0;
                    for (long v : values) {
                        size += CodedOutputStream.computeInt64SizeNoTag(v);
                    }
                    out.writeTag(field, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
                    out.writeUInt32NoTag(size);
                    for (long v : values) {
                        out.writeInt64NoTag(v);
                    }
                });
    }

    /** Raw bytes as they are, for malformed input. */
    ProtoMessage raw(byte... value) {
        return write(() -> out.writeRawBytes(value));
    }

    byte[] toByteArray() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * A whole request body: {@code k8s\0} and the {@code runtime.Unknown} carrying this message as
     * {@code raw}.
     */
    byte[] body(String apiVersion, String kind) {
        byte[] envelope =
                new ProtoMessage()
                        .message(1, new ProtoMessage().string(1, apiVersion).string(2, kind))
                        .bytes(2, toByteArray())
                        .string(3, "")
                        .string(4, "")
                        .toByteArray();
        byte[] body = new byte[envelope.length + 4];
        body[0] = 'k';
        body[1] = '8';
        body[2] = 's';
        System.arraycopy(envelope, 0, body, 4, envelope.length);
        return body;
    }

    private interface Write {
        void run() throws IOException;
    }

    private ProtoMessage write(Write write) {
        try {
            write.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
