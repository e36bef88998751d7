import Foundation
import Logging
import Vapor
import WanggeStore

/// Runs the `wangge` command line: `serve`, `demo`, `import`, `export`, `coverage`, `account`, `migrate`, ….
///
/// Exit codes, for scripts: 0 done; 1 the command ran and found something (coverage gaps, a broken
/// audit chain, a refused import) or failed (the reason on standard error); 2 the command line was
/// wrong (unknown command or option, bad value) or the environment unusable (no key file, no database).
/// Nothing but the command's own output goes to standard output: `wangge coverage --json | jq` works.
public enum Wangge {
    public static func main() async -> Int32 {
        var env: Environment
        do { env = try Environment.detect() } catch { fail(error); return 2 }
        do {
            // WANGGE_LOG_FORMAT=json: one JSON object per line (with the request id), for a log shipper.
            if ProcessInfo.processInfo.environment["WANGGE_LOG_FORMAT"] == "json" {
                try LoggingSystem.bootstrap(from: &env) { level in { label in JSONLogHandler(label: label, level: level) } }
            } else {
                try LoggingSystem.bootstrap(from: &env)
            }
        } catch {
            fail(error)
            return 2
        }
        let app: Application
        do { app = try await Application.make(env) } catch { fail(error); return 2 }
        var status: Int32 = 0
        do {
            // `wangge restore` puts the backup in place before anything opens the database.
            try RestoreStep(arguments: CommandLine.arguments)?.perform(environment: ProcessInfo.processInfo.environment)
            try await configure(app)
            // Not `app.execute()`: it logs every error a command throws (an exit code among them) as a warning.
            try await app.startup()
            if let running = app.running {
                try await running.onStop.get()
                // SIGTERM or SIGINT: first stop taking connections and let the requests in flight finish
                // (their answers are acknowledgements), then shut down what they use. Vapor's own
                // shutdown closes its storage (the server, the databases) in no fixed order, and a
                // request still running against a closed database crashed the process.
                await app.server.shutdown()
            }
        } catch let exit as ExitCode {
            status = exit.code
        } catch let e as StoreError {
            fail(e.message())
            status = 1
        } catch let e as CommandError {
            fail("\(e)")
            status = 2
        } catch {
            app.logger.report(error: error)
            status = 1
        }
        try? await app.asyncShutdown()
        return status
    }

    /// `wangge --help`, `wangge -h`, `wangge COMMAND --help`.
    public static func asksForHelp(_ arguments: [String]) -> Bool {
        arguments.dropFirst().contains { $0 == "--help" || $0 == "-h" }
    }

    static func fail(_ error: Any) {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
    }
}
