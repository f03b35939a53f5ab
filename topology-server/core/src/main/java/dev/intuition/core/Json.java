package dev.intuition.core;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializerBase;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.intuition.decoder.Outcome;
import dev.intuition.decoder.Protocol;
import java.util.function.Function;

/** The JSON conventions of the server: DESIGN.md's field names, wire names, ISO-8601 instants. */
public final class Json {
  private Json() {}

  /** Protocol and outcome travel as their wire names ({@code http}, {@code ok}), as in DESIGN.md. */
  public static Module wireNames() {
    var module = new SimpleModule("intuition-wire-names");
    module.addSerializer(Protocol.class, wireName(Protocol.class, Protocol::wireName));
    module.addSerializer(Outcome.class, wireName(Outcome.class, Outcome::wireName));
    return module;
  }

  /** A mapper that reads what agents send and writes what the API serves. */
  public static ObjectMapper mapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .addModule(wireNames())
        .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
        .build();
  }

  private static <E> ToStringSerializerBase wireName(Class<E> type, Function<E, String> name) {
    return new ToStringSerializerBase(type) {
      @Override
      public String valueToString(Object value) {
        return name.apply(type.cast(value));
      }
    };
  }
}
