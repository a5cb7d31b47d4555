package io.j8s.node.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Process sessions on Linux. Each process container is started as the leader of a new session
 * ({@code setsid}), so everything it forks — including children it orphaned — shares its session
 * id. Killing the session is what stopping a container's PID namespace does in a real runtime.
 */
public final class ProcessSessions {

    private static final Path PROC = Path.of("/proc");
    private static final Optional<Path> SETSID =
            java.util.stream.Stream.of("/usr/bin/setsid", "/bin/setsid")
                    .map(Path::of)
                    .filter(Files::isExecutable)
                    .findFirst();

    private ProcessSessions() {}

    /** The {@code setsid} binary, when this host has one (util-linux). */
    public static Optional<Path> setsid() {
        return SETSID;
    }

    /** PIDs of all live processes whose session id is {@code sid}. */
    public static List<Long> members(long sid) {
        List<Long> out = new ArrayList<>();
        if (!Files.isDirectory(PROC)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path p : ds) {
                Long session = sessionOf(p.resolve("stat"));
                if (session != null && session == sid) {
                    out.add(Long.parseLong(p.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            // /proc vanished under us: nothing we can list.
        }
        return out;
    }

    /** SIGKILLs every member of session {@code sid}; returns how many were signalled. */
    public static int killSession(long sid) {
        int n = 0;
        for (long pid : members(sid)) {
            if (ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false)) {
                n++;
            }
        }
        return n;
    }

    private static Long sessionOf(Path stat) {
        try {
            String s = Files.readString(stat, StandardCharsets.ISO_8859_1);
            // pid (comm) state ppid pgrp session ... ; comm may contain spaces and parentheses.
            int close = s.lastIndexOf(')');
            if (close < 0) {
                return null;
            }
            String[] f = s.substring(close + 2).split(" ");
            return Long.parseLong(f[3]);
        } catch (IOException | RuntimeException e) {
            return null; // process exited while we looked
        }
    }
}
