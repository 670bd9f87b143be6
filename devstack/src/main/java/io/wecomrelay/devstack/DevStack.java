package io.wecomrelay.devstack;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.sim.wecom.ChatResult;
import io.wecomrelay.sim.wecom.ChatSession;
import io.wecomrelay.sim.wecom.WecomClient;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator;
import sun.misc.Signal;

/**
 * {@code ./run-local.sh}: the whole pipeline on this machine. Prints one parseable line per bot,
 * runs one demo conversation through the WeCom simulator (unless {@code --no-demo}), then runs
 * until Ctrl-C, which stops everything it started.
 *
 * Its options are {@link #USAGE}.
 */
public final class DevStack {

    private DevStack() {
    }

    static final String USAGE = """
            usage: ./run-local.sh [options]
              --bots FILE        use your bots file instead of the generated demo bot
              --work-dir DIR     where the demo credentials and logs live (default .devstack)
              --no-demo          do not send the demo message
              --service-logs     show the services' output here instead of in WORK_DIR/logs
              --instances ingress=2,processor=2,llm-worker=3,responder=2,connector=2
                                 several instances of services (default one each, at most 10; connector=0 runs no
                                 connector); instance n listens 100 * (n - 1) above the first one's ports
              --help             this text
            environment: KAFKA_BOOTSTRAP_SERVERS (an existing broker instead of the embedded one), REDIS_URL,
                         DIFY_BASE_URL + DIFY_API_KEY (a real Dify instead of the simulator),
                         WECOM_LONG_CONNECTION_URL (e.g. wss://openws.work.weixin.qq.com: the connector's long
                         connections go there instead of to the long-connection simulator),
                         WECOM_API_BASE_URL (e.g. https://qyapi.weixin.qq.com: self-built apps' gettoken, media/get
                         and message/send go there instead of to the WeCom API simulator)
            Ctrl-C (or SIGTERM) at any moment stops everything it started.""";

    /** The long-connection simulator's port when the stack starts it (the Dify simulator's is 5001). */
    static final int LONG_CONNECTION_SIMULATOR_PORT = 5002;

    /** Options that take a value; every other known option is a flag. */
    static final Set<String> VALUED = Set.of("root", "bots", "work-dir", "instances");
    static final Set<String> FLAGS = Set.of("no-demo", "service-logs", "help");

    public static void main(String[] args) throws Exception {
        var out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        Map<String, String> options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        if (options.containsKey("help")) {
            out.println(USAGE);
            return;
        }
        Path root = Path.of(options.getOrDefault("root", ".")).toAbsolutePath().normalize();
        Path workDir = root.resolve(options.getOrDefault("work-dir", ".devstack"));
        Map<Service, Integer> instances = options.containsKey("instances")
                ? StackSettings.parseInstances(options.get("instances")) : Map.of();
        var settings = new StackSettings(root, workDir, options.containsKey("bots") ? Path.of(options.get("bots")) : null,
                instances, PortScheme.standard(), System.getenv("KAFKA_BOOTSTRAP_SERVERS"), System.getenv("REDIS_URL"),
                System.getenv("DIFY_BASE_URL"), System.getenv("DIFY_API_KEY"), 0, 5001,
                System.getenv("WECOM_LONG_CONNECTION_URL"), LONG_CONNECTION_SIMULATOR_PORT,
                wecomApi(System.getenv("WECOM_API_BASE_URL")), !options.containsKey("service-logs"));
        run(out, settings, !options.containsKey("no-demo"));
    }

    /**
     * WECOM_API_BASE_URL for both services that call WeCom's API for self-built apps (they share each app's token, so
     * they must call the same WeCom); unset, the stack runs its WeCom API simulator for the bots file's apps.
     */
    static Map<String, String> wecomApi(String baseUrl) {
        if (baseUrl == null || baseUrl.isBlank()) {
            return Map.of();
        }
        var env = new HashMap<String, String>();
        LocalStack.WECOM_API_SETTINGS.forEach(name -> env.put(name, baseUrl));
        return env;
    }

    /**
     * Starts the stack and runs until Ctrl-C or SIGTERM. Stopping is armed before anything starts: a signal during
     * the start (which takes a while) stops what already runs and keeps the rest from starting.
     */
    static void run(PrintStream out, StackSettings settings, boolean demo) throws Exception {
        LocalStack stack = LocalStack.create(settings);
        var stopped = new CountDownLatch(1);
        var stopping = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopping.compareAndSet(false, true)) {
                stack.close();
                ChildProcesses.stopAll();
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
        try {
            stack.start();
        } catch (IOException | RuntimeException e) {
            if (stopping.get()) {
                stopped.await();   // stopped while starting: the signal handler exits
                return;
            }
            throw e;
        }
        out.println();
        stack.bots().forEach(bot -> out.println(botLine(stack, bot, settings)));
        out.println(addresses(stack));
        if (demo) {
            // the callback demo polls a stream, which self-built apps do not have
            stack.bots().stream().filter(bot -> !bot.longConnection() && !bot.isApp()).findFirst()
                    .ifPresent(bot -> callbackDemo(out, stack, bot));
            LongConnectionSimulator simulator = stack.longConnectionSimulator();
            if (simulator != null && !stack.instances(Service.CONNECTOR).isEmpty()) {
                stack.bots().stream().filter(BotConfig::longConnection).findFirst()
                        .ifPresent(bot -> new LongConnectionDemo(out, simulator).run(bot.id()));
            }
        }
        out.println("\nwecom-relay is running. Try: ./chat.sh --text '你好'   Service logs: "
                + (settings.logToFiles() ? settings.workDir().resolve("logs") : "above") + "   Stop with Ctrl-C.");
        stopped.await();
    }

    /**
     * One line per bot: where WeCom reaches it, and where its credentials are, never their values (the console may
     * be recorded or shared): the generated demo bots' are in the work directory, the others' in the user's bots file.
     */
    static String botLine(LocalStack stack, BotConfig bot, StackSettings settings) {
        String credentials = settings.botsFile() == null
                ? "credentials in " + settings.workDir().resolve(DemoBots.CREDENTIALS) + " (token, EncodingAESKey, secret)"
                : "credentials in your bots file";
        if (bot.longConnection()) {
            String server = stack.longConnectionSimulator() != null ? " (simulator)" : "";
            return "bot " + bot.id() + " long-connection=" + stack.longConnectionUrl() + server + " " + credentials;
        }
        if (bot.isApp()) {
            return "bot " + bot.id() + " app callback=" + stack.callbackUrl(bot.id()) + " corpid=" + bot.app().corpId()
                    + " agentid=" + bot.app().agentId() + " " + credentials;
        }
        return "bot " + bot.id() + " callback=" + stack.callbackUrl(bot.id()) + " " + credentials;
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
        if (stack.wecomApiSimulator() != null) {
            lines.append("wecom api simulator (self-built apps' gettoken, media/get, message/send): ")
                    .append(stack.wecomApiSimulator().baseUrl()).append('\n');
        }
        lines.append("management (/actuator/health, /actuator/prometheus; not on the callback port):");
        for (Service service : Service.values()) {
            for (ServiceInstance instance : stack.instances(service)) {
                lines.append(' ').append(instance.name()).append('=').append(stack.managementUrl(instance));
            }
        }
        return lines.toString();
    }

    private static void callbackDemo(PrintStream out, LocalStack stack, BotConfig bot) {
        try {
            demo(out, stack, bot);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

    /** {@code --name value} for the {@link #VALUED} options, bare {@code --flag} for the {@link #FLAGS}; nothing else. */
    static final class Options {
        private Options() {
        }

        static Map<String, String> parse(String[] args) {
            var options = new HashMap<String, String>();
            for (int i = 0; i < args.length; i++) {
                String name = args[i].equals("-h") ? "help" : args[i].startsWith("--") ? args[i].substring(2) : args[i];
                if (FLAGS.contains(name)) {
                    options.put(name, "true");
                } else if (VALUED.contains(name) && i + 1 < args.length) {
                    options.put(name, args[++i]);
                } else {
                    throw new IllegalArgumentException(VALUED.contains(name) ? "option " + args[i] + " needs a value"
                            : "unknown option " + args[i]);
                }
            }
            return options;
        }
    }
}
