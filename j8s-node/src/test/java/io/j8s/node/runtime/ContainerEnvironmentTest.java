package io.j8s.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.j8s.node.testing.TestPods;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerEnvironmentTest {

  private final Pod pod = TestPods.pod("web-1", TestPods.web("c"));

  @Test
  void build_alwaysHasPodIdentityAndDeclaredEnvInOrder() throws Exception {
    Container c =
        new ContainerBuilder()
            .withName("c")
            .addNewEnv().withName("GREETING").withValue("hello $(POD_NAME) at $(POD_IP)").endEnv()
            .addNewEnv().withName("ECHO").withValue("$(GREETING)!").endEnv()
            .addNewEnv().withName("LATER").withValue("$(NOT_YET)").endEnv()
            .addNewEnv().withName("NOT_YET").withValue("x").endEnv()
            .build();
    Map<String, String> env = ContainerEnvironment.build(pod, c, "127.244.1.7", "node01", "127.0.0.1");
    assertThat(env)
        .containsEntry("POD_NAME", "web-1")
        .containsEntry("POD_NAMESPACE", "default")
        .containsEntry("POD_IP", "127.244.1.7")
        .containsEntry("NODE_NAME", "node01")
        .containsEntry("HOSTNAME", "web-1")
        .containsEntry("PATH", ContainerEnvironment.DEFAULT_PATH)
        .containsEntry("GREETING", "hello web-1 at 127.244.1.7")
        .containsEntry("ECHO", "hello web-1 at 127.244.1.7!")
        .containsEntry("LATER", "$(NOT_YET)"); // only earlier variables can be referenced
    assertThat(List.copyOf(env.keySet())).endsWith("GREETING", "ECHO", "LATER", "NOT_YET");
  }

  @Test
  void build_resolvesDownwardApiFieldRefs() throws Exception {
    pod.getMetadata().getLabels().put("tier", "front");
    Container c =
        new ContainerBuilder()
            .withName("c")
            .addNewEnv().withName("MY_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endValueFrom().endEnv()
            .addNewEnv().withName("MY_NS").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.namespace").endFieldRef().endValueFrom().endEnv()
            .addNewEnv().withName("MY_UID").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.uid").endFieldRef().endValueFrom().endEnv()
            .addNewEnv().withName("MY_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP").endFieldRef().endValueFrom().endEnv()
            .addNewEnv().withName("MY_NODE").withNewValueFrom().withNewFieldRef().withFieldPath("spec.nodeName").endFieldRef().endValueFrom().endEnv()
            .addNewEnv().withName("HOST_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.hostIP").endFieldRef().endValueFrom().endEnv()
            .addNewEnv().withName("TIER").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.labels['tier']").endFieldRef().endValueFrom().endEnv()
            .build();
    Map<String, String> env = ContainerEnvironment.build(pod, c, "127.244.1.7", "node01", "127.0.0.1");
    assertThat(env)
        .containsEntry("MY_NAME", "web-1")
        .containsEntry("MY_NS", "default")
        .containsEntry("MY_UID", pod.getMetadata().getUid())
        .containsEntry("MY_IP", "127.244.1.7")
        .containsEntry("MY_NODE", "node01")
        .containsEntry("HOST_IP", "127.0.0.1")
        .containsEntry("TIER", "front");
  }

  @Test
  void build_missingConfigMapIsAConfigErrorUnlessOptional() {
    Container c =
        new ContainerBuilder()
            .withName("c")
            .addNewEnv().withName("X").withNewValueFrom().withNewConfigMapKeyRef().withName("cm").withKey("k").endConfigMapKeyRef().endValueFrom().endEnv()
            .build();
    assertThatThrownBy(() -> ContainerEnvironment.build(pod, c, "127.244.1.7", "n", "h"))
        .isInstanceOf(ContainerConfigException.class)
        .hasMessage("configmap \"cm\" not found");
    c.getEnv().get(0).getValueFrom().getConfigMapKeyRef().setOptional(true);
    assertThatCode(() -> ContainerEnvironment.build(pod, c, "127.244.1.7", "n", "h")).doesNotThrowAnyException();
  }

  @Test
  void commandLine_expandsCommandAndArgs() {
    Container c =
        new ContainerBuilder()
            .withName("c")
            .withCommand("/bin/echo", "$(POD_NAME)")
            .withArgs("$$(POD_NAME)", "$(MISSING)", "$(POD_IP):80")
            .build();
    Map<String, String> env = Map.of("POD_NAME", "web-1", "POD_IP", "127.244.1.7");
    assertThat(ContainerEnvironment.commandLine(c, env))
        .containsExactly("/bin/echo", "web-1", "$(POD_NAME)", "$(MISSING)", "127.244.1.7:80");
  }
}
