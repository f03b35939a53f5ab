package dev.intuition.wire;

/**
 * Who sends a batch.
 *
 * @param id stable per host ({@code /etc/machine-id}, else the host name); {@code replay} for replays
 * @param host the host name
 * @param version the agent's version
 */
public record AgentIdentity(String id, String host, String version) {}
