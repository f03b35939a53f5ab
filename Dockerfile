# The Intuition image: the agent and the server, chosen by the first argument (agent | server).
# Build after `./mvnw -B -ntp package -DskipTests`:
#   docker build -t intuition --build-arg BASE_IMAGE=eclipse-temurin:21-jre .
# BASE_IMAGE must be a Debian or Ubuntu image with a Java 21+ runtime (libpcap is added here).
ARG BASE_IMAGE=eclipse-temurin:21-jre
FROM ${BASE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends libpcap0.8 \
    && rm -rf /var/lib/apt/lists/*
# The agent's jar finds its dependencies in lib/ beside it (its manifest's Class-Path).
COPY agent/target/lib /opt/intuition/lib
COPY agent/target/intuition-agent.jar /opt/intuition/intuition-agent.jar
COPY topology-server/target/intuition-server-exec.jar /opt/intuition/intuition-server.jar
COPY docker/entrypoint.sh /opt/intuition/entrypoint.sh
EXPOSE 8080
ENTRYPOINT ["/opt/intuition/entrypoint.sh"]
CMD ["server"]
