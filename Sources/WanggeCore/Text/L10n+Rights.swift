extension L10n {
    /// The logged "show" action, residents' rights (PIPL arts. 44–47), account administration
    /// (三权分立) and key rotation.
    static let rightsStrings: [String: (zh: String, en: String)] = [
        "rights.reveal": ("显示完整信息", "Show full details"),
        "rights.reveal_reason": ("查看原因", "Reason for looking"),
        "rights.reveal_help": (
            "完整的身份证号和电话只在本次显示;查看人、时间、地址和原因记入审计日志。",
            "The full ID number and phone are shown this once; who looked, when, from where and why goes into the audit log."
        ),
        "rights.revealed_note": ("正在显示完整的身份证号和电话,本次查看已记入审计日志。", "Showing the full ID number and phone; this look is in the audit log."),
        "rights.mask_again": ("恢复脱敏显示", "Mask again"),
        "rights.reason_required": ("请填写原因(至少 {0} 个字)", "Give a reason (at least {0} characters)"),
        "rights.title": ("居民个人信息权利", "The resident's rights over their data"),
        "rights.help": (
            "依据《个人信息保护法》第四十四至四十七条,应居民本人申请:导出其个人信息副本、更正信息,或注销并匿名化。每项操作都记入审计日志。",
            "Under PIPL arts. 44–47, at the person's own request: export a copy of their data, correct it, or deregister and anonymise it. Each is recorded in the audit log."
        ),
        "rights.edit": ("更正信息", "Correct"),
        "rights.export": ("导出本人信息", "Export the person's data"),
        "rights.export_reason": ("导出理由(如:本人申请查阅,受理单号)", "Reason for the copy (e.g. the person's request and its number)"),
        "rights.anonymise": ("注销/匿名化", "Deregister and anonymise"),
        "rights.anonymise_reason": ("注销原因(如本人申请及申请编号)", "Reason (such as the person's request and its number)"),
        "rights.anonymise_help": (
            "注销/匿名化将删除姓名、证件号、电话、出生日期、家庭关系和标签;记录本身保留,统计和事件历史不受影响。此操作不可撤销。",
            "Deregistering removes the name, ID and document numbers, phone, birth date, household relation and tags; the record itself stays, so counts and case history are unaffected. This cannot be undone."
        ),
        "rights.anonymise_confirm": ("确定注销并匿名化该居民?个人信息将被永久删除,无法恢复。", "Deregister and anonymise this resident? Their personal data will be deleted for good."),
        "rights.anonymised_name": ("已注销居民", "Deregistered resident"),
        "rights.anonymised_note": (
            "该居民已应本人申请注销并匿名化:个人信息已删除,仅保留记录用于统计和历史。",
            "This resident was deregistered and anonymised at their request: the personal data is gone; the record stays for counts and history."
        ),
        "rights.already_anonymised": ("该居民已注销并匿名化,不能再修改", "This resident has been anonymised and can no longer be changed"),
        "rights.edit_title": ("更正居民信息:{0}", "Correct resident: {0}"),
        "rights.edit_help": (
            "为保护个人信息,身份证号、其他证件号和电话不在表单中显示:留空表示不修改,勾选“清除”表示删除该项。",
            "To protect personal data the ID number, other document number and phone are not shown here: leave blank to keep, tick “Clear” to remove."
        ),
        "rights.clear": ("清除", "Clear"),
        "rights.save": ("保存更正", "Save the correction"),
        "rights.cancel": ("取消", "Cancel"),
        "rights.fix_fields": ("请修改标出的字段,本次未保存任何内容", "Please fix the marked fields; nothing was saved"),
        "field.document_number": ("其他证件号", "Other document number"),

        "nav.accounts": ("账号管理", "Accounts"),
        "admin.title": ("账号管理", "Account administration"),
        "admin.help_accounts": (
            "系统管理员:创建账号、重置密码、停用或启用账号。变更角色由安全管理员负责(三权分立)。",
            "System administrator: create accounts, reset passwords, disable or enable accounts. Roles are changed by the security administrator (separation of duties)."
        ),
        "admin.help_roles": (
            "安全管理员:变更角色(包括授予系统管理员、安全管理员、审计员)、解锁账号、重置两步验证。创建账号和重置密码由系统管理员负责(三权分立)。",
            "Security administrator: change roles (including granting system administrator, security administrator and auditor), unlock accounts, reset two-step verification. Accounts and passwords are the system administrator's (separation of duties)."
        ),
        "admin.list": ("全部账号({0})", "All accounts ({0})"),
        "admin.display_name": ("姓名", "Display name"),
        "admin.state": ("状态", "State"),
        "admin.actions": ("操作", "Actions"),
        "admin.yourself": ("(本人)", "(you)"),
        "admin.state.active": ("正常", "Active"),
        "admin.state.disabled": ("已停用", "Disabled"),
        "admin.state.locked": ("已锁定", "Locked"),
        "admin.state.must_change": ("须修改密码", "Must change password"),
        "admin.state.totp": ("已绑定两步验证", "Two-step verification on"),
        "admin.create": ("新建账号", "New account"),
        "admin.create_help": (
            "系统生成临时密码,只显示一次,本人首次登录时必须修改。系统管理员、安全管理员和审计员角色只能由安全管理员授予。",
            "A temporary password is generated and shown once; it must be changed at the first log-in. The system administrator, security administrator and auditor roles are granted by the security administrator only."
        ),
        "admin.unit_code": ("工作单元编码(居民账号可不填)", "Unit code (may be empty for a resident)"),
        "admin.reset_password": ("重置密码", "Reset password"),
        "admin.reset_confirm": ("确定重置 {0} 的密码?", "Reset {0}'s password?"),
        "admin.disable": ("停用", "Disable"),
        "admin.disable_confirm": ("确定停用账号 {0}?停用后无法登录。", "Disable {0}? The account can no longer log in."),
        "admin.enable": ("启用", "Enable"),
        "admin.change_role": ("变更角色", "Change role"),
        "admin.unlock": ("解锁", "Unlock"),
        "admin.reset_totp": ("重置两步验证", "Reset two-step verification"),
        "admin.totp_confirm": ("确定重置 {0} 的两步验证?其下次登录时须重新绑定。", "Reset {0}'s two-step verification? They enrol again at the next log-in."),
        "admin.temporary_password": ("临时密码:", "Temporary password: "),
        "admin.temporary_help": ("临时密码只显示这一次,请当面或通过安全渠道交给本人。", "The temporary password is shown this once; hand it over in person or by a secure channel."),
        "admin.created": ("已创建账号 {0}", "Account {0} created"),
        "admin.password_reset": ("已重置 {0} 的密码", "{0}'s password was reset"),
        "admin.disabled": ("已停用账号 {0}", "Account {0} disabled"),
        "admin.enabled": ("已启用账号 {0}", "Account {0} enabled"),
        "admin.role_changed": ("{0} 的角色已改为{1}", "{0}'s role is now {1}"),
        "admin.unlocked": ("已解锁账号 {0}", "Account {0} unlocked"),
        "admin.totp_reset": ("已重置 {0} 的两步验证", "{0}'s two-step verification was reset"),
        "admin.not_self": ("不能对自己的账号执行此操作", "You cannot do this to your own account"),
        "admin.departments": ("所属职能部门(职能部门账号必选,可多选)", "Departments (required for a department account; several allowed)"),
        "admin.departments_required": ("职能部门账号须至少选择一个所属部门", "A department account needs at least one department"),
        "admin.no_departments": ("未绑定部门", "no department"),
        "admin.last_holder": ("这是唯一在用的{0}账号,不能停用或改变其角色(该职责将无人履行)", "This is the only active {0} account; it cannot be disabled or given another role (the duty would be left undone)"),
        "admin.role_changed_reissued": (
            "已将 {0} 的角色改为{1};原密码和两步验证已作废,请将下面的一次性密码当面交给本人,本人首次登录时绑定两步验证", "{0} is now {1}; the old password and second factor no longer work — hand the one-time password below to the person, who enrols a second factor at first log-in"
        ),
        "admin.bad_role": ("“{0}”不是有效的角色", "“{0}” is not a role"),
        "admin.bad_display_name": ("姓名不能为空,且不超过 50 字", "The display name must be 1 to 50 characters"),
        "admin.unknown_unit": ("您的工作范围内没有编码为 {0} 的单元", "No unit with code {0} in your scope"),
        "admin.unit_required": ("除居民账号外,每个账号都须绑定网格树中的一个单元", "Every account but a resident's must be bound to a unit of the grid tree"),

        "keys.cannot_decrypt": ("无法解密已存储的数据({0});密钥文件是否缺少旧密钥?", "Cannot decrypt stored data ({0}); is an old key missing from the key file?"),
        "keys.cannot_write": ("无法写入密钥文件 {0}", "Cannot write the key file {0}"),
        "keys.missing_for_data": (
            "找不到密钥文件 {0}，但数据库中已有数据：没有原来的密钥，加密字段无法读取，也不能再写入。请从安全保管处放回原密钥文件（或设置 WANGGE_KEY_FILE / WANGGE_KEYS）后再启动。Wangge 不会为已有数据的数据库生成新密钥。",
            "The key file {0} is missing but the database already holds data: without the original keys its encrypted fields cannot be read and nothing may be written. Put the original key file back from safe keeping (or set WANGGE_KEY_FILE / WANGGE_KEYS) and start again. Wangge never makes new keys for a database that holds data."
        ),
        "keys.wrong_field_key": (
            "密钥文件与数据库不符：已存储的数据（{0}，密钥 {1}）无法用这个密钥文件解开。请放回这个数据库原来的密钥文件（或设置 WANGGE_KEY_FILE / WANGGE_KEYS）后再启动；在此之前 Wangge 不会写入任何数据。",
            "The key file does not belong to this database: stored data ({0}, key {1}) cannot be opened with it. Put back this database's own key file (or set WANGGE_KEY_FILE / WANGGE_KEYS) and start again; until then Wangge writes nothing."
        ),
        "keys.wrong_audit_key": (
            "审计密钥与数据库不符：最新的审计记录（第 {0} 条及之前两条）都无法用密钥文件中的审计密钥核验。请放回这个数据库原来的密钥文件后再启动。",
            "The audit key does not belong to this database: the newest audit entries (number {0} and the two before it) do not verify with the key file's audit key. Put back this database's own key file and start again."
        ),
        "keys.reserved_id": ("“{0}”是审计密钥的名称,不能用作字段密钥", "“{0}” names the audit key and cannot be a field key"),
        "keys.id_in_use": ("密钥文件中已有名为 {0} 的密钥", "The key file already has a key named {0}"),
        "keys.new_key_help": (
            "把下面一行加在密钥文件最上面(所有实例相同),重启后运行 wangge keys rotate。",
            "Add the line below at the top of the key file (the same on every instance), restart, then run wangge keys rotate."
        ),
        "keys.rotated": ("全部数据已使用最新密钥;现在可以从密钥文件中删除旧密钥:{0}", "Everything is under the newest key; the old keys may now be removed from the key file: {0}"),
        "keys.remaining": ("仍有 {0} 项数据使用旧密钥,请再次运行", "{0} values are still under an older key; run again"),
    ]
}
