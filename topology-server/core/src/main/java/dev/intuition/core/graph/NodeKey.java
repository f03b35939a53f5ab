package dev.intuition.core.graph;

/** A node of the graph: a service (container null) or one container of it. */
record NodeKey(String service, String container) {}
