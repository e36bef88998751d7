import Foundation
import Logging
import Vapor
import WanggeStore

/// Runs the `wangge` command line: `serve`, `demo`, `import`, `export`, `coverage`, `account`, `migrate`.
public enum Wangge {
    public static func main() async -> Int32 {
        var env: Environment
        do { env = try Environment.detect() } catch { print(error); return 2 }
        do { try LoggingSystem.bootstrap(from: &env) } catch { print(error); return 2 }
        let app: Application
        do { app = try await Application.make(env) } catch { print(error); return 2 }
        var status: Int32 = 0
        do {
            try await configure(app)
            try await app.execute()
        } catch let exit as ExitCode {
            status = exit.code
        } catch let e as StoreError {
            FileHandle.standardError.write(Data((e.message() + "\n").utf8))
            status = 1
        } catch {
            app.logger.report(error: error)
            status = 1
        }
        try? await app.asyncShutdown()
        return status
    }
}
