package dev.intuition.testsupport.es;

import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.elasticsearch.Build;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.xcontent.XContentBuilder;

/**
 * Answers {@code GET /} as a distribution does (the module that normally does is not published), so
 * that clients that ask the server's version at connect time work.
 */
public final class RootPlugin extends Plugin implements ActionPlugin {
  private final Settings settings;

  public RootPlugin(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Collection<RestHandler> getRestHandlers(Settings s, NamedWriteableRegistry registry,
      RestController controller, ClusterSettings clusterSettings,
      IndexScopedSettings indexScopedSettings, SettingsFilter filter,
      IndexNameExpressionResolver resolver, Supplier<DiscoveryNodes> nodes,
      Predicate<NodeFeature> features) {
    return List.of(new BaseRestHandler() {
      @Override
      public String getName() {
        return "intuition_test_root";
      }

      @Override
      public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.GET, "/"),
            new Route(RestRequest.Method.HEAD, "/"));
      }

      @Override
      protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        return channel -> {
          XContentBuilder b = channel.newBuilder();
          b.startObject()
              .field("name", settings.get("node.name"))
              .field("cluster_name", settings.get("cluster.name"))
              .startObject("version")
              .field("number", Build.current().version())
              .field("build_flavor", "default")
              .field("build_type", "tar")
              .field("lucene_version", org.apache.lucene.util.Version.LATEST.toString())
              .field("minimum_wire_compatibility_version", "7.17.0")
              .field("minimum_index_compatibility_version", "7.0.0")
              .endObject()
              .field("tagline", "You Know, for Search")
              .endObject();
          channel.sendResponse(new RestResponse(RestStatus.OK, b));
        };
      }
    });
  }
}
