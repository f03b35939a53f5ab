package dev.intuition.wire;

/**
 * What the server knows of an address an agent could not name (wire version 2, in the ingest
 * answer): the agent names later calls of that address itself, so that its summaries are keyed by
 * service rather than by address, and it leaves out what it sees from the client side of a call to a
 * container that another agent captures (that agent reports the call from the server side, which
 * wins).
 *
 * @param ip the address
 * @param service its service
 * @param container its container, null for a Swarm virtual IP
 * @param monitored whether an agent captures the container there
 */
public record AddressName(String ip, String service, String container, boolean monitored) {}
