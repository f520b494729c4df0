package io.gantry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.testing.GantryProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The service proxy end to end: {@code gantry up} (control and one proxy per node in process),
 * kubectl creates a selector-less Service and an EndpointSlice pointing at a backend on
 * 127.0.0.1, and a socket to the allocated ClusterIP (and the NodePort on node-1's 127.0.0.11)
 * reaches the backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceProxyIT {

  private GantryProcess gantry;
  private ServerSocket backend;

  @BeforeAll
  void start() throws IOException {
    gantry = GantryProcess.start();
    backend = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    Thread.ofVirtual().start(() -> {
      while (!backend.isClosed()) {
        try {
          Socket s = backend.accept();
          Thread.ofVirtual().start(() -> {
            try (s; OutputStream out = s.getOutputStream()) {
              out.write("backend\n".getBytes(StandardCharsets.UTF_8));
              s.getInputStream().transferTo(out);
            } catch (IOException ignored) {
              // client left
            }
          });
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  @AfterAll
  void stop() throws IOException {
    if (gantry != null) {
      gantry.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  void aSelectorlessServiceReachesItsEndpointSliceThroughClusterIpAndNodePort() throws Exception {
    String manifest = """
        apiVersion: v1
        kind: Service
        metadata: {name: echo, namespace: default}
        spec:
          type: NodePort
          ports: [{name: tcp, port: 7000, targetPort: 7000}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: echo-1
          namespace: default
          labels: {kubernetes.io/service-name: echo}
        addressType: IPv4
        ports: [{name: tcp, port: %d, protocol: TCP}]
        endpoints:
        - addresses: [127.0.0.1]
          conditions: {ready: true}
        """.formatted(backend.getLocalPort());
    gantry.kubectl().runWithInput(manifest, "apply", "-f", "-").assertOk();
    String clusterIp = gantry.kubectl().run("get", "service", "echo", "-o", "jsonpath={.spec.clusterIP}")
        .assertOk().stdout().trim();
    int nodePort = Integer.parseInt(gantry.kubectl().run("get", "service", "echo", "-o",
        "jsonpath={.spec.ports[0].nodePort}").assertOk().stdout().trim());
    assertTrue(clusterIp.startsWith("127.96."), clusterIp);
    assertEquals("backend / hello", roundTrip(clusterIp, 7000));
    assertEquals("backend / hello", roundTrip("127.0.0.11", nodePort));
  }

  /** Retries until the proxy has the service (the DataPlane push is asynchronous). */
  private static String roundTrip(String host, int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    IOException last = null;
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.setSoTimeout(3000);
        s.connect(new InetSocketAddress(InetAddress.getByName(host), port), 3000);
        s.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        return in.readLine() + " / " + in.readLine();
      } catch (IOException e) {
        last = e;
        Thread.sleep(200);
      }
    }
    throw new AssertionError(host + ":" + port + " never answered", last);
  }
}
