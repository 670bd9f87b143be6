package io.wecomrelay.devstack;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.sim.wecom.ChatResult;
import io.wecomrelay.sim.wecom.ChatSession;
import io.wecomrelay.sim.wecom.WecomClient;
import sun.misc.Signal;

/**
 * {@code ./run-local.sh}: the whole pipeline on this machine. Prints one parseable line per bot,
 * runs one demo conversation through the WeCom simulator (unless {@code --no-demo}), then runs
 * until Ctrl-C, which stops everything it started.
 *
 * <pre>
 * options: --bots FILE   use your bots file instead of the generated demo bot
 *          --work-dir D  where the demo credentials and logs live (default .devstack)
 *          --no-demo     do not send the demo message
 *          --service-logs show the services' output here instead of in WORK_DIR/logs
 *          --instances ingress=2,processor=2,llm-worker=3,responder=2
 *                        run several instances of services (default one each; at most 10). Instance n of a
 *                        service listens 100 * (n - 1) above the first one's ports: ingress-2 on 8180 (callbacks)
 *                        and 9180 (actuator), processor-2 on 9181, ...; each logs to WORK_DIR/logs/NAME-n.log
 * </pre>
 */
public final class DevStack {

    private DevStack() {
    }

    public static void main(String[] args) throws Exception {
        var out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        Map<String, String> options = Options.parse(args);
        Path root = Path.of(options.getOrDefault("root", ".")).toAbsolutePath().normalize();
        Path workDir = root.resolve(options.getOrDefault("work-dir", ".devstack"));
        Map<Service, Integer> instances = options.containsKey("instances")
                ? StackSettings.parseInstances(options.get("instances")) : Map.of();
        var settings = new StackSettings(root, workDir, options.containsKey("bots") ? Path.of(options.get("bots")) : null,
                instances, PortScheme.standard(), System.getenv("KAFKA_BOOTSTRAP_SERVERS"), System.getenv("REDIS_URL"),
                System.getenv("DIFY_BASE_URL"), System.getenv("DIFY_API_KEY"), 0, 5001, Map.of(),
                !options.containsKey("service-logs"));
        LocalStack stack = LocalStack.start(settings);
        var stopped = new CountDownLatch(1);
        var stopping = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopping.compareAndSet(false, true)) {
                stack.close();
                stopped.countDown();
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "stop-local-stack"));
        // Kafka's test kit deletes the in-JVM broker's directory in a shutdown hook of its own, and hooks run
        // concurrently: stopping in the hook made the closing broker log errors about its vanished files. On Ctrl-C
        // or a plain kill the stack is stopped before the JVM's shutdown begins; the hook stays for other exits.
        for (String name : List.of("INT", "TERM")) {
            Signal.handle(new Signal(name), signal -> {
                stop.run();
                System.exit(128 + signal.getNumber());
            });
        }
        out.println();
        for (BotConfig bot : stack.bots()) {
            out.println("bot " + bot.id() + " callback=" + stack.callbackUrl(bot.id()) + " token=" + bot.token().reveal()
                    + " aeskey=" + bot.aesKey().reveal());
        }
        out.println(addresses(stack));
        if (!options.containsKey("no-demo") && !stack.bots().isEmpty()) {
            demo(out, stack, stack.bots().get(0));
        }
        out.println("\nwecom-relay is running. Try: ./chat.sh --text '你好'   Service logs: "
                + (settings.logToFiles() ? workDir.resolve("logs") : "above") + "   Stop with Ctrl-C.");
        stopped.await();
    }

    /**
     * Where the instances are: with several ingress instances a line of their callback origins (any of them
     * answers any bot, as behind a load balancer), then every instance's actuator.
     */
    static String addresses(LocalStack stack) {
        var lines = new StringBuilder();
        List<ServiceInstance> ingresses = stack.instances(Service.INGRESS);
        if (ingresses.size() > 1) {
            lines.append("callbacks (every ingress instance answers every bot):");
            for (ServiceInstance ingress : ingresses) {
                lines.append(' ').append(ingress.name()).append('=').append(stack.callbackOrigin(ingress));
            }
            lines.append('\n');
        }
        lines.append("management (/actuator/health, /actuator/prometheus; not on the callback port):");
        for (Service service : Service.values()) {
            for (ServiceInstance instance : stack.instances(service)) {
                lines.append(' ').append(instance.name()).append('=').append(stack.managementUrl(instance));
            }
        }
        return lines.toString();
    }

    private static void demo(PrintStream out, LocalStack stack, BotConfig bot) throws InterruptedException {
        var client = WecomClient.create(URI.create(stack.callbackUrl(bot.id())), bot.token().reveal(), bot.aesKey().reveal());
        var session = new ChatSession(client, bot.id(), Duration.ofSeconds(1), ChatSession.WECOM_WINDOW);
        out.println("\ndemo: zhangsan says 你好，介绍一下你自己 (streamed reply below, one line per refresh)");
        ChatResult result = session.chat(UUID.randomUUID().toString(), "zhangsan", null, "你好，介绍一下你自己",
                frame -> out.println("  | " + frame));
        out.println("demo: " + (result.finished() ? "finished" : "NOT finished") + " after " + result.refreshes()
                + " refreshes, " + result.elapsed().toMillis() + " ms");
    }

    /** {@code --name value} and bare {@code --flag} arguments. */
    static final class Options {
        private Options() {
        }

        static Map<String, String> parse(String[] args) {
            var options = new java.util.HashMap<String, String>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument " + args[i]);
                }
                String name = args[i].substring(2);
                boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
                options.put(name, hasValue ? args[++i] : "true");
            }
            return options;
        }
    }
}
