extension L10n {
    /// Strings of the time-limit sweeper (督办 and escalation) and the intake benchmark.
    static let sweepStrings: [String: (zh: String, en: String)] = [
        "sweep.actor": ("时限监控", "Time-limit monitor"),
        "sweep.note.respond": ("超过响应时限（{0}）仍未受理，系统督办", "Not taken up by the response deadline ({0}): supervised by the system"),
        "sweep.note.resolve": ("超过办结时限（{0}）仍未办结，系统督办", "Not resolved by the deadline ({0}): supervised by the system"),
        "sweep.reason.respond": ("超时未响应，自动上报{0}", "No response in time: escalated to the {0} automatically"),
        "sweep.reason.resolve": ("超时未办结，自动上报{0}", "Not resolved in time: escalated to the {0} automatically"),
        "sweep.done": ("时限扫描：到期 {0} 件，督办 {1} 次，上报 {2} 次，跳过 {3} 件", "Time-limit sweep: {0} due, {1} supervised, {2} escalated, {3} skipped"),
    ]
}

extension L10n {
    static let benchStrings: [String: (zh: String, en: String)] = [
        "bench.key_required": ("请用 --key 给出 Open311 接口密钥（wangge apikey create --name bench）", "Give an Open311 API key with --key (wangge apikey create --name bench)"),
        "bench.unreachable": ("无法访问 {0}", "Cannot reach {0}"),
        "bench.phase.static": ("静态文件 GET    ", "static GET      "),
        "bench.phase.healthz": ("健康检查 GET    ", "health check GET"),
        "bench.phase.intake": ("案件受理 POST   ", "case intake POST"),
        "bench.header": ("每段 {0} 秒，{1} 个连接（wrk）：", "{0} s per phase, {1} connections (wrk):"),
        "bench.failures": ("失败 {0}", "{0} failed"),
        "bench.phase.bare": ("空路由 GET      ", "bare route GET  "),
        "bench.phase.paced": ("受理 80% 速率   ", "intake at 80 %  "),
        "bench.wrk_missing": ("找不到 wrk（apt-get install wrk）", "wrk is missing (apt-get install wrk)"),
        "bench.wrk_failed": ("wrk 没有给出结果：{0}", "wrk gave no result: {0}"),
    ]
}
