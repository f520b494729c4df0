package io.gantry.control.server.allocation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.ControlConfig;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.DeleteOptions;
import io.gantry.control.server.registry.ObjectRegistry;
import io.gantry.control.server.resource.ResourceTypes;
import io.gantry.control.server.store.KeyValue;
import io.gantry.control.server.store.sqlite.SqliteStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.UnaryOperator;

/** A real SQLite store and registry with the allocators plugged in, plus small object factories. */
final class AllocationFixture implements AutoCloseable {

  static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

  private final Path dir;
  private final ControlConfig config;
  SqliteStore store;
  ObjectRegistry registry;
  Allocators allocators;

  private AllocationFixture(Path dir, ControlConfig config) {
    this.dir = dir;
    this.config = config;
  }

  static AllocationFixture open(Path dir) throws ApiException {
    return open(dir, b -> b);
  }

  static AllocationFixture open(Path dir, UnaryOperator<ControlConfig.Builder> settings) throws ApiException {
    AllocationFixture fixture = new AllocationFixture(dir, settings.apply(ControlConfig.builder(dir)).build());
    fixture.start();
    fixture.registry.create(ResourceTypes.NAMESPACES, null, json("{\"metadata\":{\"name\":\"demo\"}}"));
    return fixture;
  }

  private void start() {
    store = SqliteStore.open(dir.resolve("store.db"));
    allocators = Allocators.create(store, config);
    registry = new ObjectRegistry(store, Clock.fixed(NOW, ZoneOffset.UTC), allocators.plugins());
  }

  /** Closes the store and opens it again with fresh allocators: what a restart does. */
  void restart() {
    store.close();
    start();
  }

  @Override
  public void close() {
    store.close();
  }

  ObjectNode createService(String name, String specJson) throws ApiException {
    return registry.create(ResourceTypes.SERVICES, "demo", service(name, specJson));
  }

  ObjectNode getService(String name) throws ApiException {
    return registry.get(ResourceTypes.SERVICES, "demo", name);
  }

  void deleteService(String name) throws ApiException {
    registry.delete(ResourceTypes.SERVICES, "demo", name, DeleteOptions.DEFAULT);
  }

  /** The reservation keys of one pool, in key order, without the pool prefix. */
  List<String> reserved(Pool pool) {
    return store.range(pool.prefix(), null, 0).kvs().stream()
        .map(KeyValue::key)
        .map(k -> k.substring(pool.prefix().length()))
        .toList();
  }

  String owner(Pool pool, String label) {
    return store.get(pool.prefix() + label)
        .map(kv -> new String(kv.value(), StandardCharsets.UTF_8))
        .orElse("");
  }

  static ObjectNode service(String name, String specJson) {
    ObjectNode service = Json.object();
    service.putObject("metadata").put("name", name);
    service.set("spec", json(specJson));
    return service;
  }

  static ObjectNode json(String text) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  /** Any JSON value, such as an array to compare with. */
  static JsonNode tree(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  static String text(JsonNode node, String pointer) {
    return node.at(pointer).asText();
  }
}
