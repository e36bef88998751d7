/// The demo district's openness content, written from the practice the power lists and four lists
/// come from: a community's small-power list, the street's authority catalogue, a community's four
/// lists, and a few tasks, decisions and notices to show the workflows in every state.
public enum DemoOpenness {
    /// A community's 小微权力清单.
    public static let communityPowers: [PowerItemDraft] = [
        PowerItemDraft(
            category: "major_decision", title: "社区重大事项决策",
            legalBasis: "《中华人民共和国城市居民委员会组织法》第十条；《中国共产党农村基层组织工作条例》第十九条（四议两公开）",
            responsibleRole: "社区党组织、居委会",
            steps: ["社区党组织提议", "两委联席会议商议", "党员大会审议", "居民（代表）会议决议", "决议公开", "实施结果公开"],
            materials: "议题方案、会议记录、表决票、公示照片", timeLimitDays: "30",
            riskPoints: "不经程序擅自决策；会议到会人数不足仍表决；决议与实施不一致；公开不及时或内容不全"),
        PowerItemDraft(
            category: "procurement", title: "小额工程项目建设",
            legalBasis: "《中华人民共和国招标投标法》；区农村集体小额工程项目管理办法",
            responsibleRole: "居委会主任、监督委员会",
            steps: ["提出项目建议", "两委商议立项", "居民代表会议决议", "选定施工单位（三家比选）", "签订合同并公示", "施工与监督", "竣工验收", "结算并公开"],
            materials: "项目方案、预算书、比选记录、合同、验收报告", timeLimitDays: "90",
            riskPoints: "化整为零规避招标；指定或暗箱选定施工方；虚报工程量；验收走过场"),
        PowerItemDraft(
            category: "procurement", title: "物资采购",
            legalBasis: "《中华人民共和国政府采购法》；街道社区经费管理规定",
            responsibleRole: "居委会主任、报账员",
            steps: ["提出采购需求", "两委审核", "询价比价（不少于三家）", "采购验收", "登记入账", "公开采购清单"],
            materials: "采购申请、询价单、发票、验收单", timeLimitDays: "15",
            riskPoints: "虚开发票；以次充好；采购物资不入账"),
        PowerItemDraft(
            category: "collective_assets", title: "集体资产资源租赁发包",
            legalBasis: "《中华人民共和国民法典》合同编；《农村集体经济组织财务制度》",
            responsibleRole: "集体经济组织理事会",
            steps: ["提出租赁方案", "两委商议", "居民代表会议决议", "公开招租（竞价）", "签订合同", "合同备案并公开", "租金收缴入账"],
            materials: "资产清单、评估报告、招租公告、合同", timeLimitDays: "45",
            riskPoints: "低价出租或出借；不公开招租；租金不入账；合同期限过长"),
        PowerItemDraft(
            category: "collective_assets", title: "集体资产处置",
            legalBasis: "《农村集体经济组织财务制度》；区集体资产管理办法",
            responsibleRole: "集体经济组织理事会、街道经管站",
            steps: ["提出处置申请", "资产评估", "两委商议", "居民代表会议决议", "报街道审批", "公开处置", "收益入账并公开"],
            materials: "处置申请、评估报告、会议决议、街道批复", timeLimitDays: "60",
            riskPoints: "评估价值偏低；未经决议擅自处置；处置收益截留"),
        PowerItemDraft(
            category: "subsidy", title: "最低生活保障申请初审",
            legalBasis: "《社会救助暂行办法》第九条至第十三条",
            responsibleRole: "社区民政专干",
            steps: ["居民提出申请", "入户调查", "民主评议", "社区公示七天", "报街道审核", "区民政局审批"],
            materials: "申请书、户口簿、身份证、收入证明、家庭财产申报", timeLimitDays: "30",
            riskPoints: "人情保、关系保；隐瞒收入未核实；公示走过场"),
        PowerItemDraft(
            category: "subsidy", title: "临时救助申请",
            legalBasis: "《社会救助暂行办法》第四十七条至第五十条",
            responsibleRole: "社区民政专干",
            steps: ["居民提出申请", "核实困难情况", "社区提出意见", "报街道审批", "发放救助金", "公开救助名单"],
            materials: "申请书、身份证、困难情况证明", timeLimitDays: "10",
            riskPoints: "优亲厚友；重复救助；救助金发放不到位"),
        PowerItemDraft(
            category: "subsidy", title: "残疾人两项补贴初审",
            legalBasis: "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》",
            responsibleRole: "社区残协专职委员",
            steps: ["居民提出申请", "核对残疾证等级", "入户核实", "报街道审核", "区残联审批发放"],
            materials: "申请表、残疾人证、户口簿、银行卡", timeLimitDays: "20",
            riskPoints: "不符合条件者申报；死亡后未及时停发"),
        PowerItemDraft(
            category: "certificate", title: "居住证明出具",
            legalBasis: "《居住证暂行条例》；区社区证明事项清单",
            responsibleRole: "社区居委会",
            steps: ["居民提出申请", "核对居住登记", "网格员核实", "出具证明并登记"],
            materials: "身份证、租赁合同或房产证明", timeLimitDays: "3",
            riskPoints: "未核实出具虚假证明；收取费用"),
        PowerItemDraft(
            category: "certificate", title: "社区印章使用",
            legalBasis: "区社区印章管理规定",
            responsibleRole: "社区党组织书记（印章管理人）",
            steps: ["提出用印申请", "书记审批", "登记用印事项", "专人盖章", "留存复印件"],
            materials: "用印申请单、需盖章材料", timeLimitDays: "1",
            riskPoints: "空白纸张盖章；印章私自外借；用印不登记"),
        PowerItemDraft(
            category: "finance", title: "财务收支审批",
            legalBasis: "《村集体经济组织会计制度》；街道社区财务管理办法",
            responsibleRole: "居委会主任、监督委员会",
            steps: ["经办人填单", "监督委员会审核", "主任审批", "街道代理记账", "每季度公开收支"],
            materials: "原始票据、审批单", timeLimitDays: "10",
            riskPoints: "白条入账；一支笔审批无监督；公开不及时"),
        PowerItemDraft(
            category: "personnel", title: "社区聘用人员招聘",
            legalBasis: "区社区工作者管理办法",
            responsibleRole: "社区党组织、街道组织办",
            steps: ["提出用人需求", "报街道核准", "发布招聘公告", "笔试面试", "公示七天", "签订合同"],
            materials: "招聘方案、报名材料、考试成绩", timeLimitDays: "60",
            riskPoints: "因人设岗；考试不公开；优亲厚友"),
    ]

    /// The street's authority catalogue: what the street decides or approves over its communities.
    public static let streetPowers: [PowerItemDraft] = [
        PowerItemDraft(
            category: "major_decision", title: "社区重大事项备案审查",
            legalBasis: "《中国共产党农村基层组织工作条例》；区四议两公开工作规程",
            responsibleRole: "街道党工委",
            steps: ["社区报送议题", "街道联系领导审查", "提出指导意见", "决议备案", "跟踪实施结果"],
            materials: "议题方案、会议记录、决议", timeLimitDays: "7",
            riskPoints: "备案审查流于形式；对违规决议不纠正"),
        PowerItemDraft(
            category: "collective_assets", title: "集体资产处置审批",
            legalBasis: "区集体资产管理办法",
            responsibleRole: "街道经管站",
            steps: ["受理社区申请", "审核评估报告", "街道办事处审批", "批复并监督公开"],
            materials: "处置申请、评估报告、居民代表会议决议", timeLimitDays: "15",
            riskPoints: "审核不严；未核实居民代表会议决议"),
        PowerItemDraft(
            category: "subsidy", title: "最低生活保障审核",
            legalBasis: "《社会救助暂行办法》第十一条",
            responsibleRole: "街道民政科",
            steps: ["受理社区初审材料", "复核家庭经济状况", "抽查入户", "提出审核意见", "报区民政局"],
            materials: "社区初审材料、公示记录", timeLimitDays: "15",
            riskPoints: "只审材料不入户；对举报不复核"),
    ]

    /// A community's four lists. The district's full lists run to 18, 63, 44 and 13 items; these are
    /// the ones a resident most often asks about.
    public static let fourLists: [(FourList, String, String)] = [
        (.selfGovernance, "召开居民会议、居民代表会议", "《城市居民委员会组织法》第十条"),
        (.selfGovernance, "制定和修订居民公约", "《城市居民委员会组织法》第十五条"),
        (.selfGovernance, "调解居民纠纷", "《人民调解法》第七条"),
        (.selfGovernance, "开展社区文化体育活动", "《城市居民委员会组织法》第三条"),
        (.selfGovernance, "组织志愿服务和邻里互助", "《志愿服务条例》第八条"),
        (.selfGovernance, "管理居委会财产和公益事业", "《城市居民委员会组织法》第四条"),
        (.assistGovernment, "协助开展社会救助对象入户调查", "《社会救助暂行办法》第十一条"),
        (.assistGovernment, "协助做好流动人口居住登记", "《居住证暂行条例》第八条"),
        (.assistGovernment, "协助开展人口普查和经济普查", "《全国人口普查条例》第十一条"),
        (.assistGovernment, "协助开展征兵宣传和适龄青年登记", "《征兵工作条例》第五条"),
        (.assistGovernment, "协助开展爱国卫生和病媒防制", "《传染病防治法》第九条"),
        (.assistGovernment, "协助做好老年人高龄津贴申报", "《老年人权益保障法》第三十三条"),
        (.assistGovernment, "协助开展禁毒宣传和社区戒毒康复", "《禁毒法》第十一条"),
        (.assistGovernment, "协助做好残疾人证件办理和补贴申报", "《残疾人保障法》第九条"),
        (.purchasable, "居家养老上门服务", "区政府购买社区服务目录"),
        (.purchasable, "老旧小区环境卫生保洁", "区政府购买社区服务目录"),
        (.purchasable, "社区矫正对象日常帮教", "区政府购买社区服务目录"),
        (.purchasable, "青少年课后托管与心理辅导", "区政府购买社区服务目录"),
        (.purchasable, "各类专项统计调查数据采集", "区政府购买社区服务目录"),
        (.purchasable, "社区公益广告和宣传栏更新", "区政府购买社区服务目录"),
        (.negative, "各类创建达标和检查评比（中央明确要求的除外）", "区社区减负增效工作意见"),
        (.negative, "要求社区出具无法核实的证明（如无犯罪证明、亲属关系证明）", "区社区证明事项清理目录"),
        (.negative, "招商引资和经济指标任务", "区社区减负增效工作意见"),
        (.negative, "行政执法和拆除违法建筑的执法工作", "《城市居民委员会组织法》第三条"),
        (.negative, "在社区挂牌设立部门对应机构", "区社区工作准入制度"),
        (.negative, "要求社区填报与职责无关的台账报表", "区社区减负增效工作意见"),
    ]
}
