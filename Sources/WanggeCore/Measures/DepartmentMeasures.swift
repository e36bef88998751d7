import Foundation

extension Measures {
    /// The measures a department answers for, in the order its dashboard lists them. 响应率 counts
    /// the command centre's first answer and 经办人均步骤 the work of every hand, so neither is the
    /// department's; for a department the response is its 签收 (及时签收率).
    public static let departmental: [Measure] = [
        onTimeClosing, closing, rework, signing, solving, satisfaction, callback, responseTime, resolutionTime,
    ]
}

extension ScoringConfig {
    /// Departments ranked as 12345 hotlines rank the units they dispatch to (得分制, 100 points):
    /// 响应 (及时签收率) 30, 解决率 40, 满意率 30. n is the number of handovers, so a department
    /// sent fewer than `minimumN` cases in the month is 样本不足.
    public static let departments = ScoringConfig(
        mode: .points,
        rules: [
            Rule(measure: Measures.signing.id, points: 30), Rule(measure: Measures.solving.id, points: 40),
            Rule(measure: Measures.satisfaction.id, points: 30),
        ])
}
