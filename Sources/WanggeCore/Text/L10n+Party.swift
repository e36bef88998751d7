extension L10n {
    /// Strings of the party overlay (党建): organisations per grid, 报到 and service hours.
    static let partyStrings: [String: (zh: String, en: String)] = [
        "party.nav": ("党建", "Party"),
        "party.title": ("党建：{0}", "Party: {0}"),
        "party.intro": (
            "网格上的党组织，以及到网格报到的在职党员和下沉干部和他们的服务时长。", "The party organisations over the grid, the party members and cadres registered to it, and their service hours."
        ),
        "party.org.branch": ("党支部", "Party branch"),
        "party.org.group": ("党小组", "Party group"),
        "party.member.in_service": ("在职党员", "In-service party member"),
        "party.member.sunk_cadre": ("下沉干部", "Sunk cadre"),
        "party.orgs": ("党组织", "Organisations"),
        "party.members": ("报到人员", "Registered members"),
        "party.none": ("暂无", "None yet"),
        "party.secretary": ("书记/组长", "Secretary"),
        "party.add_org": ("添加党组织", "Add an organisation"),
        "party.add_member": ("登记报到", "Register a member"),
        "party.add_hours": ("记录服务", "Record service"),
        "party.kind": ("类型", "Kind"),
        "party.name": ("名称/姓名", "Name"),
        "party.workplace": ("工作单位", "Workplace"),
        "party.registered_on": ("报到日期", "Registered on"),
        "party.day": ("服务日期", "Day"),
        "party.activity": ("服务活动", "Activity"),
        "party.hours": ("时长（小时）", "Hours"),
        "party.counts": ("报到 {0} 人 · 本月服务 {1} 小时", "{0} registered · {1} hours this month"),
        "party.member_hours": ("本月 {0} 小时 · 累计 {1} 小时", "{0} h this month · {1} h in all"),
        "party.saved": ("已保存", "Saved"),
        "party.required": ("此项必填", "Required"),
        "party.bad_kind": ("请选择类型", "Choose the kind"),
        "party.bad_hours": ("时长以半小时计，0.5 到 12 小时", "Hours in half-hour steps, 0.5 to 12"),
        "party.grid_only": ("党建信息登记在网格上", "The party overlay is kept per grid"),
    ]
}
