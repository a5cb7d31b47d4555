package io.j8s.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class HostToolsTest {

    @AfterEach
    void clearOptOut() {
        System.clearProperty(HostTools.ALLOW_MISSING);
    }

    @Test
    void require_failsNamingThePackage() {
        assertThatThrownBy(() -> HostTools.require(false, "wrk", "apt-get install -y wrk"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessage(
                        "wrk is missing: apt-get install -y wrk (or run with -Dj8s.test.allowMissingTools=true"
                                + " to skip the tests that need it)");
        assertThatCode(() -> HostTools.require(true, "wrk", "apt-get install -y wrk"))
                .doesNotThrowAnyException();
    }

    @Test
    void require_skipsOnlyWhenOptedOut() {
        System.setProperty(HostTools.ALLOW_MISSING, "true");
        assertThatThrownBy(() -> HostTools.require(false, "wrk", "apt-get install -y wrk"))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("wrk is missing");
        assertThat(HostTools.optional(false, "etcd", "apt-get install -y etcd-server")).isFalse();
    }

    @Test
    void optional_failsWithoutTheOptOut() {
        assertThatThrownBy(
                        () -> HostTools.optional(false, "etcd", "apt-get install -y etcd-server"))
                .isInstanceOf(AssertionFailedError.class);
        assertThat(HostTools.optional(true, "etcd", "apt-get install -y etcd-server")).isTrue();
    }

    @Test
    void onPath_findsExecutables() {
        assertThat(HostTools.onPath("sh")).isTrue();
        assertThat(HostTools.onPath("j8s-no-such-binary")).isFalse();
    }
}
