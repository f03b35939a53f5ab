import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Viewers of the live stream for the soak and chaos scripts: {@code CONCURRENT} at a time, each
 * connecting, reading every update for {@code SECONDS_EACH} seconds and leaving, for {@code SECONDS}
 * in all; prints how many connected, how many updates arrived and how many connections failed.
 *
 * <pre>  java scripts/lib/StreamViewer.java ws://HOST:PORT/ws/graph SECONDS CONCURRENT SECONDS_EACH</pre>
 */
public class StreamViewer {
  public static void main(String[] args) throws Exception {
    URI uri = URI.create(args[0]);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
    int concurrent = Integer.parseInt(args[2]);
    long each = Long.parseLong(args[3]);
    AtomicLong connected = new AtomicLong();
    AtomicLong updates = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    HttpClient http = HttpClient.newHttpClient();
    Thread[] threads = new Thread[concurrent];
    for (int t = 0; t < concurrent; t++) {
      threads[t] = Thread.ofPlatform().start(() -> {
        while (System.nanoTime() < end) {
          try {
            WebSocket ws = http.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
              @Override
              public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                if (last) {
                  updates.incrementAndGet();
                }
                w.request(1);
                return null;
              }
            }).get(10, TimeUnit.SECONDS);
            connected.incrementAndGet();
            Thread.sleep(Math.max(1, Math.min(TimeUnit.SECONDS.toMillis(each),
                TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
          } catch (Exception e) {
            failed.incrementAndGet();
            try {
              Thread.sleep(1000);
            } catch (InterruptedException ie) {
              return;
            }
          }
        }
      });
    }
    for (Thread t : threads) {
      t.join();
    }
    System.out.printf("viewers: %d connections, %d updates read, %d failed%n", connected.get(),
        updates.get(), failed.get());
  }
}
