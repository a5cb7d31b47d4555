package io.j8s.node.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ContainerLogTest {

    private static final Instant T0 = Instant.parse("2026-11-25T16:43:54.123456789Z");

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String read(ContainerLog log, LogQuery q) {
        return new String(log.read(q), StandardCharsets.UTF_8);
    }

    @Test
    void read_tailLinesSinceTimeAndLimitBytes() {
        ContainerLog log = new ContainerLog(1 << 20);
        for (int i = 0; i < 5; i++) {
            log.append(LogStream.STDOUT, T0.plusSeconds(i), b("line " + i + "\n"));
        }
        assertThat(read(log, LogQuery.all())).isEqualTo("line 0\nline 1\nline 2\nline 3\nline 4\n");
        assertThat(read(log, new LogQuery(false, 2, false, false, null, null)))
                .isEqualTo("line 3\nline 4\n");
        assertThat(read(log, new LogQuery(false, 0, false, false, null, null))).isEmpty();
        assertThat(read(log, new LogQuery(false, null, false, false, null, T0.plusSeconds(3))))
                .isEqualTo("line 3\nline 4\n");
        assertThat(read(log, new LogQuery(false, null, false, false, 10L, null)))
                .isEqualTo("line 0\nlin");
        assertThat(read(log, new LogQuery(false, 1, false, true, null, null)))
                .isEqualTo("2026-11-25T16:43:58.123456789Z line 4\n");
    }

    @Test
    void append_dropsOldestLinesBeyondCapacity() {
        ContainerLog log = new ContainerLog(ContainerLog.MAX_LINE_BYTES);
        byte[] kb = new byte[1024];
        java.util.Arrays.fill(kb, (byte) 'x');
        kb[kb.length - 1] = '\n';
        for (int i = 0; i < 40; i++) {
            log.append(LogStream.STDOUT, T0, kb);
        }
        assertThat(log.sizeBytes()).isLessThanOrEqualTo(ContainerLog.MAX_LINE_BYTES);
        assertThat(log.select(LogQuery.all())).hasSize(16);
        assertThat(log.select(LogQuery.all()).get(0).seq()).isEqualTo(24);
    }

    @Test
    void append_splitsOverlongLines() {
        ContainerLog log = new ContainerLog(1 << 20);
        log.append(LogStream.STDERR, T0, new byte[ContainerLog.MAX_LINE_BYTES * 2 + 5]);
        assertThat(log.select(LogQuery.all()))
                .extracting(e -> e.line().length)
                .containsExactly(ContainerLog.MAX_LINE_BYTES, ContainerLog.MAX_LINE_BYTES, 5);
    }

    @Test
    void after_andClose_notifyFollowers() throws Exception {
        ContainerLog log = new ContainerLog(1 << 20);
        java.util.concurrent.atomic.AtomicInteger changes =
                new java.util.concurrent.atomic.AtomicInteger();
        AutoCloseable sub = log.onChange(changes::incrementAndGet);
        log.append(LogStream.STDOUT, T0, b("a\n"));
        log.append(LogStream.STDOUT, T0, b("b\n"));
        assertThat(log.after(0)).extracting(e -> new String(e.line())).containsExactly("b\n");
        log.close();
        log.append(LogStream.STDOUT, T0, b("ignored\n"));
        assertThat(changes.get()).isEqualTo(3);
        assertThat(log.isClosed()).isTrue();
        sub.close();
    }

    @Test
    void lineSplitter_timestampsEachLineAndKeepsAPartialLastLine() throws Exception {
        ContainerLog log = new ContainerLog(1 << 20);
        LineSplitter.pump(
                new ByteArrayInputStream(b("one\ntwo\nthree")),
                LogStream.STDOUT,
                log,
                Clock.fixed(T0, ZoneOffset.UTC));
        assertThat(read(log, LogQuery.all())).isEqualTo("one\ntwo\nthree");
        assertThat(log.select(LogQuery.all())).hasSize(3).allMatch(e -> e.time().equals(T0));
    }
}
