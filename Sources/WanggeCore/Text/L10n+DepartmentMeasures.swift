extension L10n {
    /// Strings of the departments' dashboards and ranking.
    static let departmentMeasureStrings: [String: (zh: String, en: String)] = [
        "dept.nav": ("部门看板", "Departments"),
        "dept.all": ("全部部门", "All departments"),
        "dept.title": ("部门看板：{0}", "Departments: {0}"),
        "dept.dashboard_title": ("{0}看板：{1}", "{0}: {1}"),
        "dept.heading": ("职能部门：{0}", "Department: {0}"),
        "dept.intro": (
            "本部门在本辖区收到的案件（已派遣给本部门及其后各环节），按上报日计。每个数字都可点开看到对应案件；部门另派后，案件连同全部计数随之转走。",
            "Cases of this area sent to the department (dispatched to it and every step after), counted by the day they were reported. Every number opens its cases; a case sent on to another department takes all its counts with it."
        ),
        "dept.overview_intro": (
            "各职能部门在本辖区收到的案件及其办理情况。及时签收率即部门的响应率（派遣后 2 小时内签收）。",
            "The cases each department was sent from this area and how it handled them. 及时签收率 is a department's response rate (signed for within 2 hours of dispatch)."
        ),
        "dept.figures": ("各部门指标", "Figures by department"),
        "dept.none": ("没有可查看的部门", "No department to show"),
        "dept.ranking": ("部门排名（{0} 个参与排名）", "Department ranking ({0} ranked)"),
        "cases.search.sent": ("仅已派遣给部门的", "Sent to a department only"),
        "report.map": ("{0}地图", "Map: {0}"),
        "report.map_open": ("打开地图页（可换指标、加案件点位）", "Open the map page (other measures, case points)"),
        "kpimap.points": ("案件点位", "Case points"),
        "kpimap.no_points": ("（不显示）", "(none)"),
        "kpimap.late": ("超期", "late"),
        "kpimap.points_on_time": ("按期 {0} 件", "On time: {0}"),
        "kpimap.points_late": ("超期 {0} 件", "Late: {0}"),
        "kpimap.points_note": (
            "本期“{0}”案件共 {1} 件，其中 {2} 件无位置或超出显示上限未画出。超期：结案晚于办结时限，或至今未结且已过时限（不予受理、已合并、缓办中的不计）。",
            "{1} cases of “{0}” in the period; {2} without a place (or beyond the most drawn) are not on the map. Late: closed after the resolve limit, or still open past it (not counting cases not taken on, merged, or suspended)."
        ),
        "kpimap.points_list": ("查看这些案件", "List these cases"),
        "kpimap.category_expected": ("案件类别代码", "a case category key"),
        "weights.nav": ("考核权重", "Weights"),
        "weights.title": ("考核权重设置", "Ranking weights"),
        "weights.intro": (
            "排名按各月生效的权重计算。新版本只能从本月（{0}）或以后的月份生效，已过去的月份保留当时的权重。每次保存都记入审计日志。",
            "Each month is ranked with the weights in effect for it. A new version takes effect from this month ({0}) or later; months gone by keep their weights. Every save is audited."
        ),
        "weights.table.points": ("网格、社区排名：得分制", "Grids and communities: points"),
        "weights.table.deductions": ("网格、社区排名：扣分制", "Grids and communities: deductions"),
        "weights.table.departments": ("部门排名：得分制", "Departments: points"),
        "weights.in_effect": ("{0} 使用的版本：自 {1} 起生效", "In effect for {0}: the version from {1}"),
        "weights.seeded": ("初始设置", "As seeded"),
        "weights.from": ("生效月份", "From"),
        "weights.formula": ("计分公式", "Formula"),
        "weights.by": ("保存人", "Saved by"),
        "weights.at": ("保存时间", "Saved at"),
        "weights.new_version": ("新版本", "New version"),
        "weights.help.points": (
            "每项指标的分值（留空表示不计）；各项之和须为 100。得分 = Σ 分值 × 指标的 Wilson 下限。",
            "Points for each rate (blank: not counted); they must add up to 100. Score = Σ points × the rate's Wilson lower bound."
        ),
        "weights.help.deductions": (
            "每件未达标案件扣的分（留空表示不扣），每项大于 0 且不超过 10；从基础分扣起，最低 0 分。",
            "Points off for each case that fell short (blank: none), each above 0 and at most 10, taken from the base score, down to 0."
        ),
        "weights.help.month": ("从哪个月起生效（本月或以后）", "The month it takes effect from (this month or later)"),
        "weights.field.effective_from": ("生效月份", "Effective from"),
        "weights.field.base": ("基础分", "Base score"),
        "weights.field.minimum_n": ("最少案件数（不足不排名）", "Minimum n (fewer: not ranked)"),
        "weights.field.rules": ("分值", "Points"),
        "weights.save": ("保存新版本", "Save the new version"),
        "weights.saved": ("权重已保存", "Weights saved"),
        "weights.no_rules": ("至少要给一项指标分值", "Give at least one rate some points"),
        "weights.not_a_rate": ("“{0}”不是可计分的比率指标", "“{0}” is not a rate that can be weighed"),
        "weights.points_range": ("须大于 0 且不超过 {0}", "Must be above 0 and at most {0}"),
        "weights.duplicate": ("同一指标只能出现一次", "A rate may appear only once"),
        "weights.sum": ("各项分值之和为 {0}，须为 {1}", "The points add up to {0}; they must add up to {1}"),
        "weights.base_range": ("须在 {0} 到 {1} 之间", "Must be between {0} and {1}"),
        "weights.minimum_n_range": ("须为 {0} 到 {1} 之间的整数", "Must be a whole number from {0} to {1}"),
        "weights.past_month": ("只能从本月（{0}）或以后生效：已过去的月份保留原来的权重", "Must start this month ({0}) or later: months gone by keep their weights"),
        "weights.not_a_number": ("请填写数字", "Enter a number"),
    ]
}
