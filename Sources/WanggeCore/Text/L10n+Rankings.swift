extension L10n {
    /// Strings of the KPI map (指标地图) and the assessment (考核排名).
    static let rankingStrings: [String: (zh: String, en: String)] = [
        "kpimap.nav": ("指标地图", "KPI map"),
        "kpimap.title": ("指标地图：{0}", "KPI map: {0}"),
        "kpimap.back": ("返回看板", "Back to the dashboard"),
        "kpimap.no_children": ("该单位没有下级单位，无图可画", "This unit has no units below it to map"),
        "kpimap.measure": ("指标", "Measure"),
        "kpimap.caption": ("下级单位按所选指标分级着色；斜线为样本不足；点击进入其看板", "Units below coloured by the measure in classes; hatched: too few cases; click to open its dashboard"),
        "kpimap.method_bands": (
            "分级方式：固定分档（< 80 %、80–90 %、90–95 %、≥ 95 %），每月含义相同；n 少于 {0} 的单位不着色，记为样本不足。",
            "Classes: fixed bands (< 80 %, 80–90 %, 90–95 %, ≥ 95 %), the same every month; units with n below {0} are not coloured (too few cases)."
        ),
        "kpimap.method_quantiles": (
            "分级方式：四分位数（按样本足够的单位计算，每级单位数大致相同，相同数值归入同一级）；n 少于 {0} 的单位不着色，记为样本不足。",
            "Classes: quartiles of the units with enough cases (about as many units in each; equal values share a class); units with n below {0} are not coloured (too few cases)."
        ),
        "kpimap.class_all": ("全部", "All"),
        "kpimap.units": ("{0} 个单位", "{0} units"),
        "kpimap.insufficient": ("样本不足（n < {0}）", "Too few cases (n < {0})"),
        "kpimap.insufficient_short": ("样本不足", "Too few cases"),
        "kpimap.unmapped": ("未录入边界、未画出：{0}", "No boundary recorded, not drawn: {0}"),
        "kpimap.class": ("分级", "Class"),
        "kpimap.map": ("地图", "Map"),
        "kpimap.open_map": ("下钻地图", "Map below"),
        "kpimap.households": ("{0} 户", "{0} households"),
        "rank.nav": ("考核排名", "Rankings"),
        "rank.title": ("考核排名：{0}（{1}）", "Rankings: {0} ({1})"),
        "rank.none": ("该单位下没有可排名的社区或网格", "No communities or grids to rank under this unit"),
        "rank.mode": ("计分方式", "Scoring"),
        "rank.mode.points": ("得分制", "Points"),
        "rank.mode.deductions": ("扣分制", "Deductions"),
        "rank.term.points": ("{0} × {1}", "{0} × {1}"),
        "rank.formula.points": (
            "得分制：得分 = {0}；各项比率取 Wilson 95 % 区间下限（返工率取未返工比例）。{2}少于 {1} 的不排名。",
            "Points: score = {0}; each rate taken at its Wilson 95 % lower bound (for the rework rate, the share not reworked). Fewer than {1} ({2}): not ranked."
        ),
        "rank.term.deductions": ("{0} × {1}", "{0} × {1}"),
        "rank.formula.deductions": (
            "扣分制：得分 = {0} − {1}，最低 0 分。{3}少于 {2} 的不排名。",
            "Deductions: score = {0} − {1}, at least 0. Fewer than {2} ({3}): not ranked."
        ),
        "rank.short.on_time_closing": ("未按期结案件数", "cases not closed on time"),
        "rank.short.closing": ("未结案件数", "cases not closed"),
        "rank.short.rework": ("返工件数", "cases reworked"),
        "rank.short.response": ("未按时响应件数", "reports not responded to in time"),
        "rank.short.signing": ("未及时签收次数", "handovers not signed for in time"),
        "rank.short.solving": ("未解决件数", "cases not solved"),
        "rank.short.satisfaction": ("不满意件数", "unhappy ratings"),
        "rank.short.callback": ("未回访件数", "cases not called back"),
        "rank.fairness": (
            "只用已记录的数据（本月立案的案件汇总）。小样本不占便宜：7 件全部按期的 Wilson 下限为 64.6 %，低于 100 件中 95 件按期的 88.8 %。",
            "Recorded data only (the month's cases from the roll-ups). Small numbers gain nothing: 7 of 7 on time has a Wilson lower bound of 64.6 %, below 95 of 100 at 88.8 %."
        ),
        "rank.part": ("{0} {1}（n = {2}）→ {3}", "{0} {1} (n = {2}) → {3}"),
        "rank.rank": ("名次", "Rank"),
        "rank.score": ("得分", "Score"),
        "rank.board": ("{0}（{1} 个参与排名）", "{0} ({1} ranked)"),
        "rank.red": ("红榜（前列）", "Red list (top)"),
        "rank.black": ("黑榜（末位）", "Black list (bottom)"),
        "rank.none_ranked": ("本月没有样本足够的单位", "No unit has enough cases this month"),
        "rank.insufficient": ("样本不足、不排名（n < {0}）：{1} 个", "Too few cases, not ranked (n < {0}): {1}"),
        "rank.top_workers": ("十佳网格员", "Ten best grid workers"),
        "rank.top_agents": ("十佳代办员", "Ten best proxy agents"),
        "rank.people_rule": (
            "个人得分按本人经办的案件计算（本月上报、本人办理过任一步骤的本网格案件），权重和最少案件数与网格相同；同分按本人本月经办步骤数排序；本人案件不足者不列入。",
            "A person is scored on their own cases (this month's cases of their grid on which they took a step), with the grids' weights and minimum n; ties go to more steps taken this month; people with too few cases of their own are left out."
        ),
        "rank.person": ("姓名", "Name"),
    ]
}
