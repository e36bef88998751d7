extension L10n {
    /// Strings of operations: backup and restore.
    static let opsStrings: [String: (zh: String, en: String)] = [
        "backup.exists": ("备份文件已存在：{0}", "The backup file already exists: {0}"),
        "backup.missing": ("找不到备份文件：{0}", "No backup file at {0}"),
        "backup.tool_failed": ("{0} 失败：{1}", "{0} failed: {1}"),
        "backup.damaged": ("备份 {0} 未通过完整性检查：{1}", "The backup {0} failed its integrity check: {1}"),
        "backup.done": (
            "已备份到 {0}（{1} 字节，完整性正常）：事件 {2} 件，居民 {3} 人，审计日志至第 {4} 条。密钥文件不在备份中，请另行保管。",
            "Backed up to {0} ({1} bytes, integrity ok): {2} cases, {3} residents, audit log up to entry {4}. The key file is not in the backup: keep it apart."
        ),
        "backup.done_pg": ("已用 pg_dump 备份到 {0}（{1} 字节）。密钥文件不在备份中，请另行保管。", "Backed up with pg_dump to {0} ({1} bytes). The key file is not in the backup: keep it apart."),
        "restore.exists": (
            "数据库 {0} 已存在：请先停止服务，再加 --force 覆盖（原文件会保留在旁边）",
            "The database {0} exists: stop the server, then pass --force to replace it (the old file is kept beside it)"
        ),
        "restore.pg_force": ("恢复到 PostgreSQL 会清除现有表：请先停止所有实例，再加 --force", "Restoring into PostgreSQL drops the existing tables: stop every instance, then pass --force"),
        "restore.kept": ("原数据库已保留为 {0}", "The previous database was kept as {0}"),
        "restore.contents": ("已恢复 {0}：完整性 {1}；事件 {2} 件，居民 {3} 人，审计日志至第 {4} 条", "Restored {0}: integrity {1}; {2} cases, {3} residents, audit log up to entry {4}"),
        "restore.failed_checks": ("恢复后的数据库未通过检查（完整性或审计链，密钥文件是否与备份匹配？）", "The restored database failed its checks (integrity or audit chain: does the key file match the backup?)"),
    ]
}
