package dev.intuition.agent.capture;

import dev.intuition.decoder.DecoderSettings;

/**
 * How the agent captures.
 *
 * @param snaplen bytes kept of each frame (default 65535; smaller values turn the rest into gaps)
 * @param bufferBytes kernel capture buffer per interface (default 32 MiB)
 * @param filter BPF filter applied in the kernel (default {@code tcp})
 * @param includeLoopback also capture the namespace's {@code lo} (default false: calls between
 *     processes of one container are rarely what a service graph shows, and loopback sees each packet
 *     twice)
 * @param decoder the decoder's limits
 * @param excludeInterfaces interfaces not to open (a regular expression), e.g. the host's container
 *     bridges and veths when capturing the host's own namespace
 */
public record CaptureSettings(int snaplen, int bufferBytes, String filter, boolean includeLoopback,
    DecoderSettings decoder, String excludeInterfaces) {

  /** Interfaces of the host that carry container traffic already captured inside the containers. */
  public static final String HOST_BRIDGES = "docker\\d*|docker_gwbridge|br-.*|veth.*|vxlan.*|virbr.*|cni.*|flannel.*";

  public static CaptureSettings defaults() {
    return new CaptureSettings(65535, 32 * 1024 * 1024, "tcp", false, DecoderSettings.defaults(),
        null);
  }

  public CaptureSettings withExcludeInterfaces(String regex) {
    return new CaptureSettings(snaplen, bufferBytes, filter, includeLoopback, decoder, regex);
  }
}
