extension L10n {
    /// Strings of 党员中心户, the 党建 section of unit pages, participation in assessment, and the
    /// hand-over of a council proposal to a department as a case.
    static let participationStrings: [String: (zh: String, en: String)] = [
        "tally.party_members": ("报到党员数", "Registered party members"),
        "tally.party_members_serving": ("有服务记录的报到党员数", "Registered members who served"),
        "tally.market_rated": ("服务市场评单数", "Service market orders rated"),
        "tally.market_satisfied": ("服务市场满意数", "Service market orders rated satisfied"),
        "tally.volunteers": ("志愿者数", "Volunteers"),
        "tally.volunteers_active": ("参与服务的志愿者数", "Volunteers who served"),
        "measure.party_service": ("报到党员服务率", "Party members' service rate"),
        "measure.party_service.formula": (
            "期内有服务记录的报到党员数 ÷ 期末已报到党员数（在职党员和下沉干部）",
            "registered members with a service entry in the period ÷ members registered by its end (in-service members and sunk cadres)"
        ),
        "measure.market_satisfaction": ("服务市场满意率", "Service market satisfaction"),
        "measure.market_satisfaction.formula": (
            "（满意 + 基本满意）÷ 已评单数（期内下单的服务市场订单）",
            "(satisfied + basically satisfied) ÷ orders rated (service market orders placed in the period)"
        ),
        "measure.volunteer_participation": ("志愿者参与率", "Volunteer participation"),
        "measure.volunteer_participation.formula": (
            "期内有服务时长记录的志愿者数 ÷ 期末在册志愿者数",
            "volunteers with service hours recorded in the period ÷ volunteers on the register by its end"
        ),
        "central.heading": ("党员中心户", "Party members' central households"),
        "central.intro": (
            "党员中心户由党员家庭担任，就近联系本网格 1 至 {0} 户邻居：传达通知、收集诉求、发现问题及时报告。",
            "A party member's household that keeps in touch with 1 to {0} neighbouring households of the grid: passes on notices, hears needs, reports trouble early."
        ),
        "central.household": ("中心户户号", "Household number"),
        "central.member": ("党员姓名", "Party member"),
        "central.neighbour_numbers": ("联系户户号（用逗号或空格分隔）", "Neighbours' household numbers (separated by commas or spaces)"),
        "central.neighbours": ("联系 {0} 户", "Looks after {0}"),
        "central.set": ("设置党员中心户", "Set a central household"),
        "central.remove": ("取消", "Remove"),
        "central.saved": ("党员中心户已保存", "Central household saved"),
        "central.removed": ("已取消党员中心户", "Central household removed"),
        "central.neighbours_required": ("请填写至少一户联系户", "Name at least one neighbour"),
        "central.too_many": ("联系户不超过 {0} 户", "At most {0} neighbours"),
        "central.repeated": ("联系户重复", "A neighbour is named twice"),
        "central.self": ("联系户不能是中心户本身", "A central household cannot look after itself"),
        "central.not_in_grid": ("户号 {0} 不在本网格的户籍登记中", "Household {0} is not in this grid's register"),
        "central.taken": ("户号 {0} 已由其他党员中心户联系", "Household {0} is looked after by another central household"),
        "rank.short.party_service": ("未参与服务的报到党员数", "registered members who did not serve"),
        "rank.short.market_satisfaction": ("服务市场不满意评单数", "service market orders rated dissatisfied"),
        "rank.short.volunteer_participation": ("未参与服务的志愿者数", "volunteers who did not serve"),
        "rank.participation": ("参与情况（可在权重表中计分）", "Participation (weighable in the tables of weights)"),
        "rank.participation_map": ("%@：%d 个单位的地图", "%@: the map of %d units"),
        "party.section": ("党建", "Party building"),
        "party.open": ("进入党建页", "Open the party page"),
        "party.month_hours": ("本月服务（小时）", "Hours this month"),
        "proposal.case_state": ("转办事件 {0}：{1}", "Case {0}: {1}"),
        "proposal.case_public": ("承办进度：{0}", "Progress: {0}"),
        "proposal.case_category": ("事件类别（交职能部门时必选）", "Case category (required when handed to a department)"),
        "proposal.case_grid": ("所在网格（交职能部门时必选）", "Grid (required when handed to a department)"),
        "proposal.case_grid_required": ("请选择本社区的一个网格", "Choose a grid of this community"),
        "case.from_proposal": ("本事件来自议事会提案：", "This case came from a council proposal: "),
    ]
}
