package io.j8s.node.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a process container sees of the filesystem, and how to start a process inside it.
 *
 * <p>With a private mount namespace ({@link #namespaced()}: the agent runs as root and {@code
 * unshare --mount} works), the container starts as {@code unshare --mount --propagation private
 * /bin/sh <podDir>/containers/<name>/setup.sh <command...>}. The script builds a root for the
 * container: a tmpfs at {@code <podDir>/containers/<name>/root} holding bind mounts of every entry
 * of the host's {@code /} (so the host's files, {@code /proc}, {@code /dev} stay visible), then
 * bind mounts the Pod's {@code /etc/resolv.conf}, {@code /etc/hosts} and every {@code volumeMount}
 * at its {@code mountPath} ({@code readOnly} becomes a read-only remount). A mount point that does
 * not exist is made without touching the host: the nearest existing directory is replaced, inside
 * the namespace only, by a tmpfs holding bind mounts of its entries (so its contents stay), and the
 * missing directories are created in that tmpfs. Then it {@code chroot}s into that root, changes to
 * {@code workingDir} (default {@code /}) and execs the command, keeping the PID. All mounts vanish
 * with the container's last process.
 *
 * <p>Without it (not root, or no {@code unshare}), nothing is mounted: the container runs in the
 * host's filesystem with {@code workingDir} (default: the agent's), its volumes stay in the Pod's
 * directory, named by {@code J8S_POD_DIR}, and a Pod with the service account volume gets {@code
 * KUBECONFIG} (see {@link #KUBECONFIG_FILE}). Immutable.
 *
 * @param podDir the Pod's directory on the node
 * @param resolvConf the Pod's resolv.conf on the node
 * @param hosts the Pod's hosts file on the node
 * @param mounts the container's volume mounts, resolved to node paths
 */
public record ContainerView(
        Path podDir, Path resolvConf, Path hosts, List<Mount> mounts, boolean namespaced) {

    private static final Logger log = LoggerFactory.getLogger(ContainerView.class);

    /** The per-Pod kubeconfig used when there is no mount namespace (relative to the Pod's dir). */
    public static final String KUBECONFIG_FILE = "kubeconfig";

    /** Where Kubernetes mounts the service account volume. */
    public static final String SERVICE_ACCOUNT_PATH =
            "/var/run/secrets/kubernetes.io/serviceaccount";

    /** One volume mount: a node path shown at {@code containerPath}. */
    public record Mount(Path hostPath, String containerPath, boolean readOnly) {}

    /**
     * How to start a process in a container: {@code argvPrefix + command}, {@code env}, {@code
     * cwd}.
     */
    public record ProcessSpec(List<String> argvPrefix, Map<String, String> env, Path cwd) {
        /** The full argv for {@code command}. */
        public List<String> argv(List<String> command) {
            List<String> all = new ArrayList<>(argvPrefix);
            all.addAll(command);
            return all;
        }
    }

    public ContainerView {
        mounts = List.copyOf(mounts);
    }

    /**
     * How to start another process (e.g. {@code kubectl exec}, an exec probe) inside the running
     * container whose main process is {@code pid}: with a mount namespace, {@code nsenter --target
     * <pid> --mount --root --wd} (the container's root and working directory); without, the host
     * with the container's working directory. {@code env} is the container's environment.
     */
    public static ProcessSpec processIn(
            ContainerView view, long pid, Map<String, String> env, String workingDir) {
        if (view != null && view.namespaced()) {
            return new ProcessSpec(
                    List.of("nsenter", "--target", Long.toString(pid), "--mount", "--root", "--wd"),
                    env,
                    null);
        }
        Path cwd = workingDir == null || workingDir.isEmpty() ? null : Path.of(workingDir);
        return new ProcessSpec(List.of(), env, cwd);
    }

    /** Whether a mount path lies at or under one of the container's mounts. */
    public boolean underMount(String path) {
        for (Mount m : mounts) {
            String p =
                    m.containerPath().endsWith("/") ? m.containerPath() : m.containerPath() + "/";
            if (path.equals(m.containerPath()) || path.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The argv that starts {@code command} in the container's mount namespace (writing its setup
     * script under {@code <podDir>/containers/<name>}).
     */
    public List<String> namespacedArgv(
            String containerName, String workingDir, List<String> command) throws IOException {
        Path dir = podDir.resolve("containers").resolve(containerName);
        Path root = dir.resolve("root");
        Files.createDirectories(root);
        Path script = dir.resolve("setup.sh");
        Files.deleteIfExists(readyMarker(containerName));
        Files.writeString(
                script,
                setupScript(root, workingDir, readyMarker(containerName)),
                StandardCharsets.UTF_8);
        List<String> argv =
                new ArrayList<>(
                        List.of(
                                "unshare",
                                "--mount",
                                "--propagation",
                                "private",
                                "/bin/sh",
                                script.toString()));
        argv.addAll(command);
        return argv;
    }

    /**
     * The file the setup script creates once the container's root is complete, just before the
     * exec.
     */
    public Path readyMarker(String containerName) {
        return podDir.resolve("containers").resolve(containerName).resolve("ready");
    }

    String setupScript(Path root, String workingDir, Path ready) {
        Map<String, Mount> byPath = new LinkedHashMap<>();
        byPath.put(canonical("/etc/resolv.conf"), new Mount(resolvConf, "/etc/resolv.conf", false));
        byPath.put(canonical("/etc/hosts"), new Mount(hosts, "/etc/hosts", false));
        for (Mount m : mounts) {
            byPath.put(canonical(m.containerPath()), m);
        }
        List<Map.Entry<String, Mount>> ordered = new ArrayList<>(byPath.entrySet());
        ordered.sort(
                Comparator.comparingInt((Map.Entry<String, Mount> e) -> depth(e.getKey()))
                        .thenComparing(Map.Entry::getKey));
        StringBuilder sb = new StringBuilder();
        sb.append(
                "# Written by the j8s node agent: builds this container's root (docs/architecture.md).\n");
        sb.append("set -e\n");
        sb.append("R=").append(q(root.toString())).append('\n');
        sb.append(
                """
        mount -t tmpfs -o mode=0755 j8s-root "$R"
        ours=" $(stat -c %d "$R") "
        n=0
        # Bind every entry of directory $1 into the (tmpfs) directory $2.
        fill() {
          for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do
            if [ ! -e "$e" ] && [ ! -L "$e" ]; then continue; fi
            b=${e##*/}
            if [ -L "$e" ]; then ln -s "$(readlink "$e")" "$2/$b"
            elif [ -d "$e" ]; then mkdir "$2/$b"; mount --rbind "$e" "$2/$b"
            else : > "$2/$b"; mount --bind "$e" "$2/$b"; fi
          done
        }
        # Make $1 (a path inside the root) exist as a directory (d) or file (f) without writing to the host.
        ensure() {
          t="$R$1"
          if [ -e "$t" ]; then return 0; fi
          p=$(dirname "$1")
          while [ ! -e "$R$p" ]; do p=$(dirname "$p"); done
          case "$ours" in
            *" $(stat -c %d "$R$p") "*) ;;
            *)
              n=$((n+1)); s="$R/..j8s-stage-$n"
              mkdir "$s"; mount -t tmpfs -o mode="$(stat -c %a "$R$p")" j8s-mimic "$s"
              fill "$R$p" "$s"
              ours="$ours$(stat -c %d "$s") "
              mount --move "$s" "$R$p"; rmdir "$s" ;;
          esac
          if [ "$2" = d ]; then mkdir -p "$t"; else mkdir -p "$(dirname "$t")"; : > "$t"; fi
        }
        fill / "$R"
        """);
        for (Map.Entry<String, Mount> e : ordered) {
            Mount m = e.getValue();
            boolean dir = Files.isDirectory(m.hostPath());
            String target = "\"$R\"" + q(e.getKey());
            sb.append("ensure ").append(q(e.getKey())).append(dir ? " d" : " f").append('\n');
            sb.append("mount --bind ")
                    .append(q(m.hostPath().toString()))
                    .append(' ')
                    .append(target)
                    .append('\n');
            if (m.readOnly()) {
                sb.append("mount -o remount,bind,ro ").append(target).append('\n');
            }
        }
        String wd = workingDir == null || workingDir.isEmpty() ? "/" : workingDir;
        sb.append(": > ").append(q(ready.toString())).append('\n');
        sb.append("cd /\n");
        sb.append("exec chroot \"$R\" /bin/sh -c 'cd \"$1\" || exit 1; shift; exec \"$@\"' sh ")
                .append(q(wd))
                .append(" \"$@\"\n");
        return sb.toString();
    }

    /** The path with symlinks of its existing part resolved (as the host sees it). */
    static String canonical(String path) {
        Path p = Path.of(path).normalize();
        Path existing = p;
        List<Path> rest = new ArrayList<>();
        while (existing != null && !Files.exists(existing)) {
            rest.add(0, existing.getFileName());
            existing = existing.getParent();
        }
        try {
            Path real = existing == null ? Path.of("/") : existing.toRealPath();
            for (Path r : rest) {
                real = real.resolve(r);
            }
            return real.toString();
        } catch (IOException e) {
            return p.toString();
        }
    }

    private static int depth(String path) {
        return (int) path.chars().filter(c -> c == '/').count();
    }

    /** Single-quotes for the shell. */
    static String q(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static volatile Boolean namespacesWork;

    /**
     * Whether this agent can give containers a private mount namespace (root and a working
     * unshare).
     */
    public static boolean mountNamespacesAvailable() {
        Boolean v = namespacesWork;
        if (v == null) {
            v = probe();
            namespacesWork = v;
            log.info(
                    "private mount namespaces for process containers: {}",
                    v ? "available" : "not available (not root or no unshare)");
        }
        return v;
    }

    private static boolean probe() {
        try {
            if (new com.sun.security.auth.module.UnixSystem().getUid() != 0) {
                return false;
            }
            Process p =
                    new ProcessBuilder("unshare", "--mount", "--propagation", "private", "true")
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0
                    && Files.exists(Path.of("/bin/sh"), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException | LinkageError e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
