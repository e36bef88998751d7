/// The catalogue a new database starts with: the matters a street's proxy agents handle most
/// (residence permits, unemployment registration, the retirees' yearly check, serious-illness aid,
/// low-rent housing in money or in kind, and the other common civil-affairs and social-security
/// matters). Offices edit it afterwards; limits are the deciding office's, in working days.
public enum ServiceCatalogueSeed {
    /// A service of the starting catalogue: its stable key and what the setup form would hold.
    public struct Entry: Sendable {
        public var key: String
        public var service: ServiceDraft
        public var mode: ServiceMode

        init(
            key: String, nameZh: String, nameEn: String, mode: ServiceMode, materials: [String], steps: [String], office: String, limitDays: Int
        ) {
            self.key = key
            self.mode = mode
            service = ServiceDraft(nameZh: nameZh, nameEn: nameEn, mode: mode.rawValue, materials: materials, steps: steps, office: office, limitDays: limitDays)
        }
    }

    static let idAndHousehold = ["居民身份证原件及复印件", "户口簿原件及复印件"]

    public static let entries: [Entry] = [
        Entry(
            key: "residence_permit", nameZh: "居住证（暂住证）办理", nameEn: "Residence permit (temporary residence)", mode: .assist,
            materials: ["居民身份证原件及复印件", "近期一寸免冠照片2张", "住所证明（房屋租赁合同或房产证明）", "就业或就读证明"],
            steps: ["代办员核对材料并预填申请表", "陪同本人到派出所采集照片", "派出所审核发证", "代办员通知领取"],
            office: "辖区派出所", limitDays: 15),
        Entry(
            key: "unemployment_card", nameZh: "失业证（就业失业登记证）办理", nameEn: "Unemployment registration card", mode: .fullProxy,
            materials: idAndHousehold + ["解除或终止劳动合同证明", "近期一寸免冠照片1张"],
            steps: ["代办员收取材料并出具收据", "递交街道劳动保障所", "审核登记发证", "代办员送证上门并归还材料"],
            office: "街道劳动保障事务所", limitDays: 5),
        Entry(
            key: "retirement_certification", nameZh: "退休资格认证", nameEn: "Retirees' yearly eligibility check", mode: .assist,
            materials: ["居民身份证", "社会保障卡", "退休证"],
            steps: ["代办员预约认证时间", "协助本人在手机上或到社保所完成认证", "代办员确认认证结果"],
            office: "区社会保险事业管理中心", limitDays: 5),
        Entry(
            key: "serious_illness_aid", nameZh: "大病救助申请", nameEn: "Serious-illness medical aid", mode: .fullProxy,
            materials: idAndHousehold + ["医院诊断证明", "医疗费用发票及结算单", "低保证或低收入家庭证明", "救助申请书（本人签字）"],
            steps: ["代办员收取材料并出具收据", "社区初审并公示", "街道审核后报区民政局", "审批后救助金打入本人账户"],
            office: "区民政局", limitDays: 20),
        Entry(
            key: "rent_subsidy", nameZh: "廉租房货币补贴申请", nameEn: "Low-rent housing: rent subsidy", mode: .assist,
            materials: idAndHousehold + ["家庭收入证明", "现住房情况证明", "低保证或低收入家庭证明", "申请表（家庭成员签字）"],
            steps: ["代办员上门指导填表", "家庭成员签字后由代办员递交社区", "社区、街道两级审核公示", "区住房保障部门审批并发放补贴"],
            office: "区住房保障中心", limitDays: 30),
        Entry(
            key: "rent_allocation", nameZh: "廉租房实物配租申请", nameEn: "Low-rent housing: a flat to rent", mode: .assist,
            materials: idAndHousehold + ["家庭收入证明", "现住房情况证明", "低保证或低收入家庭证明", "申请表（家庭成员签字）"],
            steps: ["代办员上门指导填表", "家庭成员签字后由代办员递交社区", "社区、街道两级审核公示", "区住房保障部门轮候配租", "本人签订租赁合同"],
            office: "区住房保障中心", limitDays: 30),
        Entry(
            key: "minimum_living", nameZh: "最低生活保障申请", nameEn: "Minimum living allowance (低保)", mode: .fullProxy,
            materials: idAndHousehold + ["家庭成员收入证明", "家庭财产申报表（本人签字）", "银行账户"],
            steps: ["代办员收取材料并出具收据", "社区入户调查", "街道审核并公示", "区民政局审批"],
            office: "区民政局", limitDays: 30),
        Entry(
            key: "birth_registration", nameZh: "生育登记（计生服务）", nameEn: "Birth registration (family planning)", mode: .fullProxy,
            materials: ["夫妻双方居民身份证", "户口簿", "结婚证"],
            steps: ["代办员收取材料", "递交街道计生办登记", "代办员送回登记凭证"],
            office: "街道计划生育办公室", limitDays: 3),
        Entry(
            key: "medical_insurance", nameZh: "城乡居民医疗保险参保", nameEn: "Residents' medical insurance enrolment", mode: .fullProxy,
            materials: idAndHousehold,
            steps: ["代办员收取材料", "到社保所办理参保登记", "告知缴费方式和待遇"],
            office: "街道社会保障所", limitDays: 5),
        Entry(
            key: "elderly_allowance", nameZh: "高龄津贴申领", nameEn: "Old-age allowance", mode: .fullProxy,
            materials: idAndHousehold + ["本人银行卡或存折"],
            steps: ["代办员上门收取材料", "社区审核后报街道", "区民政局审批发放"],
            office: "区民政局", limitDays: 20),
        Entry(
            key: "disability_card", nameZh: "残疾人证办理", nameEn: "Disability certificate", mode: .explain,
            materials: idAndHousehold + ["近期二寸免冠照片3张", "相关病历"],
            steps: ["本人到区残联领取申请表", "本人到指定医院评残", "区残联审核发证"],
            office: "区残疾人联合会", limitDays: 20),
        Entry(
            key: "id_card_renewal", nameZh: "居民身份证换领", nameEn: "Identity card renewal", mode: .explain,
            materials: ["户口簿", "原居民身份证"],
            steps: ["本人到派出所户籍窗口", "现场采集照片和指纹", "领取身份证（可邮寄）"],
            office: "辖区派出所户籍窗口", limitDays: 60),
    ]
}
