extension L10n {
    /// Strings of duplicates and merging (C6), case photos (C1, C3) and replayed submissions.
    static let caseMergeStrings: [String: (zh: String, en: String)] = [
        // Photos
        "case.photo.too_many": ("每次最多上传 {0} 张照片，本次提交了 {1} 张", "At most {0} photos at a time; {1} were sent"),
        "case.photo.too_large": ("照片“{0}”超过 {1} MB", "Photo \"{0}\" is larger than {1} MB"),
        "case.photo.not_image": ("文件“{0}”不是完整的 JPEG、PNG 或 WebP 图片", "File \"{0}\" is not a whole JPEG, PNG or WebP image"),
        "case.photo.too_many_pixels": ("图片“{0}”声明的尺寸 {1} 不像照片（最多 5000 万像素、每边 2 万像素）", "Image \"{0}\" declares {1} pixels, which no photo has (at most 50 megapixels, 20,000 a side)"),
        "case.photos": ("照片", "Photos"),
        "case.photos.hint": ("可选，最多 4 张，每张不超过 5 MB（JPEG、PNG、WebP）", "Optional: up to 4, each at most 5 MB (JPEG, PNG, WebP)"),
        "case.photos.count": ("附照片 {0} 张", "{0} photo(s) attached"),

        // Duplicates and merging
        "case.merge.no_target": ("找不到要合并到的案件“{0}”，或它不在您的管辖范围内", "No case \"{0}\" to merge into within your area"),
        "case.merge.target_merged": ("案件 {0} 本身已合并到其他案件，请合并到最终办理的案件", "Case {0} was itself merged; merge into the case it was merged into"),
        "dup.title": ("可能重复", "Possible duplicates"),
        "dup.none": ("未发现可能重复的案件", "No likely duplicates found"),
        "dup.score": ("相似度 {0}%", "Similarity {0}%"),
        "dup.distance": ("相距约 {0} 米", "About {0} m away"),
        "dup.no_distance": ("位置未知", "Location unknown"),
        "dup.likely": ("很可能重复", "Likely duplicate"),
        "dup.merge": ("合并到此案件", "Merge into this case"),
        "dup.note": ("合并说明", "Note"),
        "dup.by_code": ("按查询码合并到其他案件", "Merge into another case by its tracking code"),
        "dup.target": ("目标案件查询码", "Target case's tracking code"),
        "dup.merged_into": ("本案件已合并到以下案件，由该案件统一办理和答复：", "This case was merged into the case below, which is worked and answered for both: "),
        "dup.confirm": ("确定将本案件合并到 {0}？合并后不能撤销。", "Merge this case into {0}? This cannot be undone."),
        "dup.merged_reports": ("合并的报告", "Merged reports"),
        "dup.waiting": ("共 {0} 位反映人等待办理结果", "{0} reporter(s) are waiting for the outcome"),
        "track.merged": ("您反映的问题与其他居民反映的为同一问题，已合并办理。以下是合并后案件的办理进度：", "Others reported the same problem; the reports were merged. This is how the merged case is going:"),

        // Replayed submissions
        "submission.bad": ("表单已失效，请刷新页面后重新填写提交", "This form is not valid any more; reload the page and submit again"),
        "submission.replayed": ("此表单已经提交过，没有重复立案。已登记案件的查询码：{0}", "This form was already submitted; no second case was made. The case's tracking code: {0}"),
        "submission.replayed_title": ("已经提交过", "Already submitted"),
    ]
}
