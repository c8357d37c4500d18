/*
 * Starts DynamoDB Local listening on the loopback address only.
 *
 * DynamoDB Local's own main (ServerRunner) binds Jetty to every interface and has no option to choose one.
 * This launcher builds the very same server from the same command-line options, points each Jetty connector
 * at 127.0.0.1 (or the address in the system property dynamodb.local.host) and starts it.
 *
 * The compiled class sits next to this file so that a Java runtime without a compiler is enough; rebuild it
 * with `python -m local.dynamodb --build-launcher` after changing this file.
 */
import java.lang.reflect.Field;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public final class LoopbackDynamoDBLocal {
    private LoopbackDynamoDBLocal() {
    }

    public static void main(String[] args) throws Exception {
        String host = System.getProperty("dynamodb.local.host", "127.0.0.1");
        DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        Server jetty = (Server) field.get(proxy);
        int bound = 0;
        for (Connector connector : jetty.getConnectors()) {
            if (connector instanceof ServerConnector) {
                ((ServerConnector) connector).setHost(host);
                bound++;
            }
        }
        if (bound == 0) {
            System.err.println("LoopbackDynamoDBLocal: no Jetty connector found; refusing to listen on every interface");
            System.exit(3);
        }
        try {
            proxy.start();
        } catch (Exception error) {
            System.err.println("LoopbackDynamoDBLocal: could not start on " + host + ": " + error);
            System.exit(2);
        }
        System.out.println("DynamoDB Local listening on " + host);
    }
}
