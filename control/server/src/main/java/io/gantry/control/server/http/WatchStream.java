package io.gantry.control.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.control.server.api.ApiException;
import io.gantry.control.server.api.ApiRequest;
import io.gantry.control.server.api.ListOptionsCheck;
import io.gantry.control.server.api.ResourcePath;
import io.gantry.control.server.api.Selectors;
import io.gantry.control.server.json.Json;
import io.gantry.control.server.registry.ObjectEvent;
import io.gantry.control.server.registry.ObjectMeta;
import io.gantry.control.server.registry.ObjectWatcher;
import io.gantry.control.server.resource.ResourceType;
import io.gantry.control.server.selector.FieldSelector;
import io.gantry.control.server.selector.LabelSelector;
import io.gantry.control.server.store.CompactedException;
import io.gantry.control.server.store.Watch;
import io.gantry.control.server.table.TableConverter;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One {@code ?watch=true} response: a chunked stream of JSON lines
 * ({@code {"type":"ADDED","object":{...}}}), as Tables when kubectl asks for them, with
 * bookmarks when asked, ended by {@code timeoutSeconds} or the client.
 *
 * <p>Concurrency: events arrive on the store's dispatcher thread and are handed to the channel
 * (Netty queues the writes onto its event loop). A client that stops reading while
 * more than {@link #MAX_PENDING_BYTES} pile up is disconnected; it re-lists and watches again,
 * as every Kubernetes client does after a broken watch.
 */
final class WatchStream {

  private static final long MAX_PENDING_BYTES = 32L * 1024 * 1024;
  private static final long BOOKMARK_INTERVAL_SECONDS = 60;

  private final Channel channel;
  private final ResourcePath path;
  private final ApiRequest request;
  private final Clock clock;
  private final AtomicBoolean firstTable = new AtomicBoolean(true);
  private volatile TableConverter.IncludeObject includeObject;
  private final AtomicLong lastRevision = new AtomicLong();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile Watch watch;
  private final List<ScheduledFuture<?>> timers = new CopyOnWriteArrayList<>();

  private final boolean keepAlive;

  WatchStream(Channel channel, ResourcePath path, ApiRequest request, Clock clock, boolean keepAlive) {
    this.keepAlive = keepAlive;
    this.channel = channel;
    this.path = path;
    this.request = request;
    this.clock = clock;
  }

  /** Validates the request, sends the headers and starts following the store; blocks briefly. */
  void start(ObjectWatcher watcher) throws ApiException {
    ResourceType type = path.type();
    LabelSelector labels = Selectors.labels(request);
    FieldSelector fields = Selectors.fields(type, request);
    includeObject = Selectors.includeObject(request);
    if (path.name() != null) {
      fields = FieldSelector.parse("metadata.name=" + path.name());
    }
    String resourceVersion = request.param("resourceVersion");
    ListOptionsCheck.validate(request, true);
    Boolean initialEvents = request.param("sendInitialEvents") == null ? null : request.flag("sendInitialEvents");
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache, private");
    if (!keepAlive) {
      head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    channel.writeAndFlush(head);
    channel.closeFuture().addListener(f -> stopWatch());
    try {
      watch = watcher.watch(type, type.namespaced() ? path.namespace() : null, labels, fields, resourceVersion,
          initialEvents, this::send, revision -> {
            lastRevision.accumulateAndGet(revision, Math::max);
            if (Boolean.TRUE.equals(initialEvents) && request.flag("allowWatchBookmarks")) {
              bookmark(true);
            }
          });
    } catch (CompactedException e) {
      sendError(ApiException.gone("too old resource version: " + resourceVersion + " ("
          + (e.compactedRevision() + 1) + ")"));
      end();
      return;
    }
    if (channel.isActive() == false) {
      stopWatch();
    }
    scheduleTimers();
  }

  private void scheduleTimers() {
    String timeout = request.param("timeoutSeconds");
    if (timeout != null && !timeout.isEmpty()) {
      long seconds = Long.parseLong(timeout); // a number: ListOptionsCheck refused anything else
      timers.add(channel.eventLoop().schedule(this::end, Math.max(1, seconds), TimeUnit.SECONDS));
      if (request.flag("allowWatchBookmarks") && seconds > 2) {
        // as kube-apiserver's cacher: a bookmark 2 s before the deadline, so a client resumes from it
        timers.add(channel.eventLoop().schedule(() -> bookmark(false), seconds - 2, TimeUnit.SECONDS));
      }
    }
    if (request.flag("allowWatchBookmarks")) {
      timers.add(channel.eventLoop().scheduleAtFixedRate(this::bookmark, BOOKMARK_INTERVAL_SECONDS,
          BOOKMARK_INTERVAL_SECONDS, TimeUnit.SECONDS));
    }
  }

  private void send(ObjectEvent event) {
    if (ended.get()) {
      return;
    }
    lastRevision.accumulateAndGet(event.revision(), Math::max);
    ObjectNode object = event.object();
    if (request.wantsTable() && event.type() != ObjectEvent.Type.ERROR) {
      object = TableConverter.table(path.type(), List.of(object), ObjectMeta.text(object, "resourceVersion"),
          includeObject, firstTable.getAndSet(false),
          clock.instant());
    }
    if (request.wantsPartialMetadata() && event.type() != ObjectEvent.Type.ERROR) {
      object = TableConverter.partialObjectMetadata(object);
    }
    write(event.type().name(), object);
  }

  private void bookmark() {
    bookmark(false);
  }

  /**
   * A BOOKMARK with the revision the watch has reached: as kube-apiserver's cacher's, the store's
   * progress, not only the last event sent, so a client of a quiet selector resumes from a recent
   * revision rather than one that falls out of the history. The one that ends the initial events of
   * {@code sendInitialEvents=true} carries the {@code k8s.io/initial-events-end} annotation.
   */
  private void bookmark(boolean initialEventsEnd) {
    Watch current = watch;
    long revision = initialEventsEnd || current == null ? lastRevision.get()
        : Math.max(lastRevision.get(), current.progress());
    if (ended.get() || revision == 0) {
      return;
    }
    ObjectNode object = Json.object();
    object.put("kind", path.type().kind());
    object.put("apiVersion", path.type().apiVersion());
    ObjectNode metadata = object.putObject("metadata");
    metadata.put("resourceVersion", Long.toString(revision));
    if (initialEventsEnd) {
      metadata.putObject("annotations").put("k8s.io/initial-events-end", "true");
      write("BOOKMARK", object);
      return;
    }
    // queued behind the writes of the events up to that progress, which the dispatcher queued on
    // this loop before it recorded the progress
    channel.eventLoop().execute(() -> {
      if (!ended.get()) {
        write("BOOKMARK", object);
      }
    });
  }

  private void sendError(ApiException error) {
    write("ERROR", error.toStatus());
  }

  private void write(String type, ObjectNode object) {
    if (!channel.isActive()) {
      stopWatch();
      return;
    }
    if (!channel.isWritable() && channel.bytesBeforeWritable() > MAX_PENDING_BYTES) {
      channel.close();
      return;
    }
    channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(WatchEventLines.encode(type, object))));
  }

  /**
   * Ends the response cleanly; the client sees the end of the stream, and a keep-alive
   * connection stays open for its next request.
   */
  private void end() {
    if (ended.compareAndSet(false, true)) {
      stopWatch();
      var written = channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      if (!keepAlive) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
    }
  }

  private void stopWatch() {
    timers.forEach(timer -> timer.cancel(false));
    Watch current = watch;
    if (current != null) {
      current.close();
    }
  }
}
