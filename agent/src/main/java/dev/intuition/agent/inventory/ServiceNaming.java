package dev.intuition.agent.inventory;

import java.util.Map;

/**
 * Names a container's service from its labels (DESIGN.md): a label {@code intuition.service=NAME}
 * overrides all; else the Swarm service ({@code com.docker.swarm.service.name}, grouped by
 * {@code com.docker.stack.namespace}); else the Compose service ({@code com.docker.compose.project} +
 * {@code com.docker.compose.service}, named {@code project_service} like a stack's services and grouped
 * by project); else the container name.
 */
public final class ServiceNaming {
  public static final String OVERRIDE = "intuition.service";
  public static final String GROUP_OVERRIDE = "intuition.group";
  static final String SWARM_SERVICE = "com.docker.swarm.service.name";
  static final String SWARM_TASK = "com.docker.swarm.task.name";
  static final String STACK = "com.docker.stack.namespace";
  static final String COMPOSE_PROJECT = "com.docker.compose.project";
  static final String COMPOSE_SERVICE = "com.docker.compose.service";
  static final String COMPOSE_NUMBER = "com.docker.compose.container-number";

  private ServiceNaming() {}

  public static Placement of(String containerName, Map<String, String> labels) {
    String name = containerName.startsWith("/") ? containerName.substring(1) : containerName;
    String swarm = labels.get(SWARM_SERVICE);
    String project = labels.get(COMPOSE_PROJECT);
    String composeService = labels.get(COMPOSE_SERVICE);
    String service;
    String task = null;
    String group = null;
    if (swarm != null) {
      service = swarm;
      task = labels.get(SWARM_TASK);
      group = labels.get(STACK);
    } else if (project != null && composeService != null) {
      service = project + "_" + composeService;
      String number = labels.get(COMPOSE_NUMBER);
      task = number == null ? name : service + "." + number;
      group = project;
    } else {
      service = name;
    }
    String override = labels.get(OVERRIDE);
    if (override != null && !override.isBlank()) {
      service = override.trim();
    }
    String groupOverride = labels.get(GROUP_OVERRIDE);
    if (groupOverride != null && !groupOverride.isBlank()) {
      group = groupOverride.trim();
    }
    return new Placement(service, task, group);
  }
}
