//! The business case, by HM Treasury's Green Book conventions (DESIGN.md §3.1,
//! Audit Commission R3): options appraised side by side with "business as
//! usual" always among them, cost and benefit lines by year in real prices,
//! discounting at the Green Book's schedule, optimism bias by project type with
//! recorded mitigation, and from these the net present value, benefit–cost
//! ratio and discounted payback of each option.
//!
//! Money is whole pence on the way in and `Decimal` in the arithmetic; no
//! float is used anywhere.
use super::{Pence, vocabulary};
use crate::Role;
use crate::permission::Capability;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy, dec};
use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::date;

/// Lines are placed in years 0 (now) to 60 of the appraisal period; the Green
/// Book's default period for most proposals is ten years, sixty for buildings
/// and infrastructure.
pub const MAX_YEAR: u16 = 60;
/// How many options one business case may compare, business as usual included.
pub const MAX_OPTIONS: usize = 10;
/// How many lines one option may have.
pub const MAX_LINES_PER_OPTION: usize = 300;

// ---------------------------------------------------------------------------
// Discounting
// ---------------------------------------------------------------------------

/// One band of a discount schedule: `rate` discounts each year from
/// `first_year` to `last_year` inclusive (`None`: every year after).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DiscountBand {
    pub first_year: u32,
    pub last_year: Option<u32>,
    pub rate: Decimal,
}

/// A discount schedule as published, with the date from which it applies.
/// Kept as dated reference data so that an appraisal made under one schedule
/// can be reproduced after a new one is published: the schedule is chosen by
/// the appraisal's date, never by today's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DiscountSchedule {
    pub key: &'static str,
    pub valid_from: Date,
    pub source: &'static str,
    pub bands: &'static [DiscountBand],
}

/// The Social Time Preference Rate schedule: 3.5% for years 0–30, falling for
/// longer horizons. Introduced by the 2003 Green Book and unchanged in the
/// 2018, 2020 and 2022 editions (annex on discounting).
pub const GREEN_BOOK_2003: DiscountSchedule = DiscountSchedule {
    key: "green_book_2003",
    valid_from: date!(2003 - 01 - 01),
    source: "HM Treasury, The Green Book (2003; current in the 2022 edition), annex on discounting",
    bands: &[
        DiscountBand {
            first_year: 0,
            last_year: Some(30),
            rate: dec!(0.035),
        },
        DiscountBand {
            first_year: 31,
            last_year: Some(75),
            rate: dec!(0.030),
        },
        DiscountBand {
            first_year: 76,
            last_year: Some(125),
            rate: dec!(0.025),
        },
        DiscountBand {
            first_year: 126,
            last_year: Some(200),
            rate: dec!(0.020),
        },
        DiscountBand {
            first_year: 201,
            last_year: Some(300),
            rate: dec!(0.015),
        },
        DiscountBand {
            first_year: 301,
            last_year: None,
            rate: dec!(0.010),
        },
    ],
};

/// Every schedule, oldest first. A new edition of the Green Book that changes
/// the rates is a new entry here, valid from its publication date.
pub const SCHEDULES: &[DiscountSchedule] = &[GREEN_BOOK_2003];

/// The schedule in force on the appraisal date: the latest one valid from on
/// or before it. None before the first schedule (2003).
pub fn schedule_for(appraisal_date: Date) -> Option<&'static DiscountSchedule> {
    SCHEDULES
        .iter()
        .filter(|s| s.valid_from <= appraisal_date)
        .max_by_key(|s| s.valid_from)
}

/// The first date any schedule applies from.
pub fn earliest_appraisal_date() -> Date {
    SCHEDULES
        .iter()
        .map(|s| s.valid_from)
        .min()
        .unwrap_or(GREEN_BOOK_2003.valid_from)
}

impl DiscountSchedule {
    /// The rate that discounts year `year` back to the year before it.
    pub fn rate(&self, year: u32) -> Decimal {
        self.bands
            .iter()
            .find(|b| b.first_year <= year && b.last_year.is_none_or(|last| year <= last))
            .map(|b| b.rate)
            .unwrap_or(Decimal::ZERO)
    }

    /// The discount factor of year `year`: 1 for year 0, then compounded
    /// through the bands, DF(t) = DF(t − 1) / (1 + r(t)). So year 31 is
    /// discounted at 3.5% for thirty years and at 3.0% for one.
    pub fn factor(&self, year: u32) -> Decimal {
        self.factors(year).pop().unwrap_or(Decimal::ONE)
    }

    /// The discount factors of years 0 to `through` inclusive.
    pub fn factors(&self, through: u32) -> Vec<Decimal> {
        let mut out = Vec::with_capacity(through as usize + 1);
        let mut factor = Decimal::ONE;
        out.push(factor);
        for year in 1..=through {
            factor /= Decimal::ONE + self.rate(year);
            out.push(factor);
        }
        out
    }
}

// ---------------------------------------------------------------------------
// Optimism bias
// ---------------------------------------------------------------------------

vocabulary! {
    /// What kind of project the preferred solution is, for optimism bias.
    ProjectType, "project type" {
        StandardBuildings => "standard_buildings",
        NonStandardBuildings => "non_standard_buildings",
        StandardCivilEngineering => "standard_civil_engineering",
        NonStandardCivilEngineering => "non_standard_civil_engineering",
        EquipmentDevelopment => "equipment_development",
        Outsourcing => "outsourcing",
        ServiceChange => "service_change",
    }
}

impl ProjectType {
    /// The upper bound for capital expenditure, in percent, from the Green
    /// Book supplementary guidance on optimism bias (Mott MacDonald, *Review
    /// of Large Public Procurement in the UK*, 2002, table 1).
    ///
    /// The guidance has no category for changing how a service works. For
    /// "service change / process" we take 66%, the highest upper bound of
    /// the categories that are not equipment or software development: a
    /// redesign carries at least the uncertainty of the most uncertain
    /// works project, and erring high is the guidance's own advice where
    /// no evidence exists. Where the change depends on developing new IT,
    /// choose equipment/development (200%) instead. Either way, the
    /// business case reduces the figure only through recorded mitigation.
    pub const fn upper_bound_percent(self) -> u32 {
        match self {
            ProjectType::StandardBuildings => 24,
            ProjectType::NonStandardBuildings => 51,
            ProjectType::StandardCivilEngineering => 44,
            ProjectType::NonStandardCivilEngineering => 66,
            ProjectType::EquipmentDevelopment => 200,
            ProjectType::Outsourcing => 41,
            ProjectType::ServiceChange => 66,
        }
    }

    /// Whether the figure is the guidance's own (false only for service change).
    pub const fn from_guidance(self) -> bool {
        !matches!(self, ProjectType::ServiceChange)
    }
}

/// How much of the upper bound the business case has shown it has
/// mitigated, 0–100%, with its justification kept beside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Mitigation(u8);

impl Mitigation {
    pub const NONE: Mitigation = Mitigation(0);

    pub fn new(percent: u8) -> Option<Self> {
        (percent <= 100).then_some(Mitigation(percent))
    }

    /// From a form: a whole number of percent, "%" allowed after it.
    pub fn parse(raw: &str) -> Result<Self, MitigationError> {
        let s = raw.trim();
        let s = s.strip_suffix('%').unwrap_or(s).trim_end();
        if s.is_empty() {
            return Err(MitigationError::Missing);
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MitigationError::NotANumber);
        }
        s.parse::<u8>()
            .ok()
            .and_then(Mitigation::new)
            .ok_or(MitigationError::OutOfRange)
    }

    pub const fn percent(self) -> u8 {
        self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MitigationError {
    #[error("enter how much of the optimism bias is mitigated")]
    Missing,
    #[error("enter a whole number of percent")]
    NotANumber,
    #[error("mitigation must be between 0% and 100%")]
    OutOfRange,
}

impl MitigationError {
    pub fn key(self) -> &'static str {
        match self {
            MitigationError::Missing => "missing",
            MitigationError::NotANumber => "not_a_number",
            MitigationError::OutOfRange => "out_of_range",
        }
    }
}

/// The optimism bias applied to an appraisal's costs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct OptimismBias {
    pub project_type: ProjectType,
    pub mitigation: Mitigation,
}

impl OptimismBias {
    /// The uplift on costs as a fraction: upper bound × (1 − mitigation).
    /// Standard buildings (24%) mitigated by 25% gives 0.24 × 0.75 = 0.18.
    pub fn rate(&self) -> Decimal {
        let upper = Decimal::from(self.project_type.upper_bound_percent());
        let kept = Decimal::from(100 - u32::from(self.mitigation.percent()));
        upper * kept / dec!(10000)
    }

    /// The rate in percent, for people: 18 for the example above.
    pub fn percent(&self) -> Decimal {
        (self.rate() * Decimal::ONE_HUNDRED).normalize()
    }
}

// ---------------------------------------------------------------------------
// Lines
// ---------------------------------------------------------------------------

vocabulary! {
    /// What a line of a business case counts.
    LineCategory, "line category" {
        CapitalCost => "capital_cost",
        RevenueCost => "revenue_cost",
        CashableBenefit => "cashable_benefit",
        NonCashableBenefit => "non_cashable_benefit",
        SocialValue => "social_value",
    }
}

impl LineCategory {
    pub const fn is_cost(self) -> bool {
        matches!(self, LineCategory::CapitalCost | LineCategory::RevenueCost)
    }

    pub const fn is_benefit(self) -> bool {
        !self.is_cost()
    }

    /// A social value is a proxy (a unit value from a bank such as the
    /// HACT Social Value Bank or a council's own list), so it must say
    /// where it comes from.
    pub const fn needs_source(self) -> bool {
        matches!(self, LineCategory::SocialValue)
    }
}

/// The year of a line, as typed into a form.
pub fn parse_year(raw: &str) -> Result<u16, YearError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(YearError::Missing);
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(YearError::NotANumber);
    }
    match s.parse::<u16>() {
        Ok(y) if y <= MAX_YEAR => Ok(y),
        _ => Err(YearError::OutOfRange),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum YearError {
    #[error("enter the year")]
    Missing,
    #[error("enter the year as a whole number")]
    NotANumber,
    #[error("the year must be between 0 and 60")]
    OutOfRange,
}

impl YearError {
    pub fn key(self) -> &'static str {
        match self {
            YearError::Missing => "missing",
            YearError::NotANumber => "not_a_number",
            YearError::OutOfRange => "out_of_range",
        }
    }
}

/// One cost or benefit in one year, in real prices (today's money, before
/// discounting).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Line {
    pub year: u16,
    pub category: LineCategory,
    pub amount: Pence,
}

/// One option's lines, as the appraisal needs them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OptionLines {
    pub business_as_usual: bool,
    pub lines: Vec<Line>,
}

// ---------------------------------------------------------------------------
// The appraisal
// ---------------------------------------------------------------------------

/// Undiscounted totals of an option, in pence.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub capital: Pence,
    pub revenue: Pence,
    pub cashable: Pence,
    pub non_cashable: Pence,
    pub social_value: Pence,
}

impl Totals {
    pub fn costs(&self) -> Pence {
        self.capital + self.revenue
    }

    pub fn benefits(&self) -> Pence {
        self.cashable + self.non_cashable + self.social_value
    }

    fn add(&mut self, line: &Line) {
        let slot = match line.category {
            LineCategory::CapitalCost => &mut self.capital,
            LineCategory::RevenueCost => &mut self.revenue,
            LineCategory::CashableBenefit => &mut self.cashable,
            LineCategory::NonCashableBenefit => &mut self.non_cashable,
            LineCategory::SocialValue => &mut self.social_value,
        };
        *slot = slot.saturating_add(line.amount);
    }
}

/// One option, appraised. Present values are in pence, unrounded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OptionAppraisal {
    pub business_as_usual: bool,
    pub totals: Totals,
    /// Present value of costs before optimism bias.
    pub pv_costs_before_bias: Decimal,
    /// The optimism bias added to those costs.
    pub pv_bias: Decimal,
    /// Present value of costs with optimism bias.
    pub pv_costs: Decimal,
    pub pv_cashable: Decimal,
    pub pv_non_cashable: Decimal,
    pub pv_social_value: Decimal,
    pub pv_benefits: Decimal,
    /// PV benefits − PV costs (with optimism bias).
    pub npv: Decimal,
    /// The same without social value: what the council's budgets see.
    pub npv_excluding_social_value: Decimal,
    /// PV benefits / PV costs; none when there are no costs.
    pub bcr: Option<Decimal>,
    /// The first year, from the option's first line on, in which the
    /// cumulative discounted net value is zero or more; none if never.
    pub payback_year: Option<u16>,
    /// NPV minus business as usual's NPV (zero for business as usual).
    pub npv_vs_bau: Option<Decimal>,
    pub npv_excluding_social_value_vs_bau: Option<Decimal>,
    /// Cumulative discounted net value at the end of each year 0..=horizon.
    pub cumulative: Vec<Decimal>,
}

/// Every option of a business case, appraised on the same terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Appraisal {
    pub schedule: &'static DiscountSchedule,
    pub bias: OptimismBias,
    /// The last year any option has a line in (0 when there are none).
    pub horizon: u16,
    /// Discount factors of years 0..=horizon.
    pub factors: Vec<Decimal>,
    /// In the order given.
    pub options: Vec<OptionAppraisal>,
}

/// Appraise the options under one schedule and one optimism bias. Business
/// as usual, if present, is the baseline for the relative NPVs (the first
/// one, should there be several: storage allows only one).
pub fn appraise(
    schedule: &'static DiscountSchedule,
    bias: OptimismBias,
    options: &[OptionLines],
) -> Appraisal {
    let horizon = options
        .iter()
        .flat_map(|o| o.lines.iter().map(|l| l.year))
        .max()
        .unwrap_or(0);
    let factors = schedule.factors(u32::from(horizon));
    let uplift = Decimal::ONE + bias.rate();
    let mut appraised: Vec<OptionAppraisal> = options
        .iter()
        .map(|o| appraise_option(o, &factors, uplift))
        .collect();
    let baseline = appraised
        .iter()
        .find(|o| o.business_as_usual)
        .map(|o| (o.npv, o.npv_excluding_social_value));
    if let Some((npv, npv_ex)) = baseline {
        for o in &mut appraised {
            o.npv_vs_bau = Some(o.npv - npv);
            o.npv_excluding_social_value_vs_bau = Some(o.npv_excluding_social_value - npv_ex);
        }
    }
    Appraisal {
        schedule,
        bias,
        horizon,
        factors,
        options: appraised,
    }
}

fn appraise_option(option: &OptionLines, factors: &[Decimal], uplift: Decimal) -> OptionAppraisal {
    let horizon = factors.len();
    let mut totals = Totals::default();
    let mut pv = [Decimal::ZERO; 5];
    // Net discounted value of each year, costs with optimism bias.
    let mut net = vec![Decimal::ZERO; horizon];
    for line in &option.lines {
        totals.add(line);
        let factor = factors
            .get(usize::from(line.year))
            .copied()
            .unwrap_or(Decimal::ZERO);
        let discounted = Decimal::from(line.amount) * factor;
        let slot = LineCategory::ALL
            .iter()
            .position(|c| *c == line.category)
            .unwrap_or(0);
        pv[slot] += discounted;
        if let Some(n) = net.get_mut(usize::from(line.year)) {
            if line.category.is_cost() {
                *n -= discounted * uplift;
            } else {
                *n += discounted;
            }
        }
    }
    let [
        pv_capital,
        pv_revenue,
        pv_cashable,
        pv_non_cashable,
        pv_social_value,
    ] = pv;
    let pv_costs_before_bias = pv_capital + pv_revenue;
    let pv_costs = pv_costs_before_bias * uplift;
    let pv_benefits = pv_cashable + pv_non_cashable + pv_social_value;
    let npv = pv_benefits - pv_costs;
    let npv_excluding_social_value = pv_cashable + pv_non_cashable - pv_costs;
    let bcr = (!pv_costs.is_zero()).then(|| pv_benefits / pv_costs);

    let mut cumulative = Vec::with_capacity(horizon);
    let mut running = Decimal::ZERO;
    for n in &net {
        running += *n;
        cumulative.push(running);
    }
    let first_year = option
        .lines
        .iter()
        .filter(|l| l.amount != 0)
        .map(|l| usize::from(l.year))
        .min();
    let payback_year = first_year.and_then(|first| {
        cumulative
            .iter()
            .enumerate()
            .skip(first)
            .find(|(_, c)| !c.is_sign_negative() || c.is_zero())
            .and_then(|(y, _)| u16::try_from(y).ok())
    });
    OptionAppraisal {
        business_as_usual: option.business_as_usual,
        totals,
        pv_costs_before_bias,
        pv_bias: pv_costs - pv_costs_before_bias,
        pv_costs,
        pv_cashable,
        pv_non_cashable,
        pv_social_value,
        pv_benefits,
        npv,
        npv_excluding_social_value,
        bcr,
        payback_year,
        npv_vs_bau: None,
        npv_excluding_social_value_vs_bau: None,
        cumulative,
    }
}

/// A present value rounded to whole pence, half away from zero.
pub fn to_pence(value: Decimal) -> Pence {
    value
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        .to_i64()
        .unwrap_or(if value.is_sign_negative() {
            Pence::MIN
        } else {
            Pence::MAX
        })
}

/// A present value rounded to whole pounds, in pence, for display.
pub fn to_whole_pounds(value: Decimal) -> Pence {
    to_pence(
        (value / Decimal::ONE_HUNDRED)
            .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
            * Decimal::ONE_HUNDRED,
    )
}

/// A ratio to two decimal places, for display: "1.85".
pub fn ratio_2dp(value: Decimal) -> String {
    format!(
        "{:.2}",
        value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    )
}

// ---------------------------------------------------------------------------
// Completeness
// ---------------------------------------------------------------------------

vocabulary! {
    /// Something a business case still lacks before the gate
    /// `BusinessCaseComplete` opens, in the order a page lists them.
    Missing, "missing" {
        /// No option besides business as usual.
        OptionBesidesBau => "option",
        /// No option besides business as usual has both a cost and a benefit.
        CostAndBenefitLines => "lines",
        PreferredOption => "preferred_option",
        FundingModel => "funding_model",
        RiskOfNotInnovating => "not_innovating",
        RegisterRisk => "risk",
    }
}

/// What completeness needs to know of one option.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OptionFacts {
    pub business_as_usual: bool,
    pub cost_lines: usize,
    pub benefit_lines: usize,
}

/// What completeness needs to know of a business case.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseFacts {
    pub options: Vec<OptionFacts>,
    pub preferred_option: bool,
    pub funding_model: bool,
    /// The statement of the risk of not innovating, with its likelihood and impact.
    pub risk_of_not_innovating: bool,
    pub risks: usize,
}

/// What is missing, in order; empty when the business case is complete.
pub fn missing(facts: &CaseFacts) -> Vec<Missing> {
    let mut out = Vec::new();
    let alternatives: Vec<&OptionFacts> = facts
        .options
        .iter()
        .filter(|o| !o.business_as_usual)
        .collect();
    if alternatives.is_empty() {
        out.push(Missing::OptionBesidesBau);
    } else if !alternatives
        .iter()
        .any(|o| o.cost_lines > 0 && o.benefit_lines > 0)
    {
        out.push(Missing::CostAndBenefitLines);
    }
    if !facts.preferred_option {
        out.push(Missing::PreferredOption);
    }
    if !facts.funding_model {
        out.push(Missing::FundingModel);
    }
    if !facts.risk_of_not_innovating {
        out.push(Missing::RiskOfNotInnovating);
    }
    if facts.risks == 0 {
        out.push(Missing::RegisterRisk);
    }
    out
}

pub fn is_complete(facts: &CaseFacts) -> bool {
    missing(facts).is_empty()
}

// ---------------------------------------------------------------------------
// Who may see and change a business case
// ---------------------------------------------------------------------------

/// The stages in which an idea's author may write its business case: once
/// it has been screened in, until it goes to the panel.
pub const AUTHOR_STAGES: [&str; 2] = ["screened", "business_case"];

/// A business case carries costs and the author's working: its author, the
/// people who run the pipeline, the panel that scores it and those who see
/// the portfolio may read it; other members may not.
pub fn may_view(roles: &[Role], is_author: bool) -> bool {
    is_author
        || [
            Capability::RunPipeline,
            Capability::ScoreCases,
            Capability::ViewPortfolio,
        ]
        .iter()
        .any(|c| c.granted_by(roles))
}

/// The author may change it while the idea is in one of `AUTHOR_STAGES`;
/// people who run the pipeline may at any stage.
pub fn may_edit(roles: &[Role], is_author: bool, stage: &str) -> bool {
    Capability::RunPipeline.granted_by(roles) || (is_author && AUTHOR_STAGES.contains(&stage))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn at(year: u16, category: LineCategory, pounds: i64) -> Line {
        Line {
            year,
            category,
            amount: pounds * 100,
        }
    }

    fn four_dp(d: Decimal) -> Decimal {
        d.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
    }

    #[test]
    fn the_schedule_is_chosen_by_the_appraisal_date() {
        assert_eq!(schedule_for(date!(2002 - 12 - 31)), None);
        assert_eq!(schedule_for(date!(2003 - 01 - 01)), Some(&GREEN_BOOK_2003));
        assert_eq!(schedule_for(date!(2026 - 11 - 23)), Some(&GREEN_BOOK_2003));
        assert_eq!(earliest_appraisal_date(), date!(2003 - 01 - 01));
    }

    #[test]
    fn rates_follow_the_green_book_bands() {
        let s = &GREEN_BOOK_2003;
        for (year, rate) in [
            (1, dec!(0.035)),
            (30, dec!(0.035)),
            (31, dec!(0.03)),
            (75, dec!(0.03)),
            (76, dec!(0.025)),
            (125, dec!(0.025)),
            (126, dec!(0.02)),
            (200, dec!(0.02)),
            (201, dec!(0.015)),
            (300, dec!(0.015)),
            (301, dec!(0.01)),
            (5000, dec!(0.01)),
        ] {
            assert_eq!(s.rate(year), rate, "year {year}");
        }
    }

    #[test]
    fn discount_factors_match_hand_values() {
        let s = &GREEN_BOOK_2003;
        // Year 0 is today: not discounted.
        assert_eq!(s.factor(0), Decimal::ONE);
        // 1 / 1.035 = 0.966183…
        assert_eq!(four_dp(s.factor(1)), dec!(0.9662));
        // 1.035^10 = 1.410599 (1.035^2 = 1.071225, ^4 = 1.147523, ^8 = 1.316809,
        // × 1.071225 = 1.410599), and 1 / 1.410599 = 0.708919.
        assert_eq!(four_dp(s.factor(10)), dec!(0.7089));
        // 1.035^30 = 1.410599^3 = 2.806794, and 1 / 2.806794 = 0.356278.
        assert_eq!(four_dp(s.factor(30)), dec!(0.3563));
        // Year 31 is the first at 3.0%: 0.356278 / 1.03 = 0.345901.
        assert_eq!(four_dp(s.factor(31)), dec!(0.3459));
        assert_eq!(s.factor(31), s.factor(30) / dec!(1.03));
        // Year 40: ten years at 3.0% after year 30. 1.03^10 = 1.343916, and
        // 0.356278 / 1.343916 = 0.265104.
        assert_eq!(four_dp(s.factor(40)), dec!(0.2651));
        // Year 76 is the first at 2.5%.
        assert_eq!(s.factor(76), s.factor(75) / dec!(1.025));
    }

    #[test]
    fn factors_agree_with_factor() {
        let s = &GREEN_BOOK_2003;
        let all = s.factors(80);
        assert_eq!(all.len(), 81);
        for (year, f) in all.iter().enumerate() {
            assert_eq!(*f, s.factor(year as u32));
        }
    }

    proptest! {
        #[test]
        fn factors_strictly_decrease_and_stay_in_zero_to_one(through in 1u32..1000) {
            let factors = GREEN_BOOK_2003.factors(through);
            prop_assert_eq!(factors[0], Decimal::ONE);
            for pair in factors.windows(2) {
                prop_assert!(pair[1] < pair[0]);
                prop_assert!(pair[1] > Decimal::ZERO && pair[1] <= Decimal::ONE);
            }
        }
    }

    #[test]
    fn optimism_bias_upper_bounds_are_the_guidance_figures() {
        use ProjectType::*;
        let figures: Vec<u32> = [
            StandardBuildings,
            NonStandardBuildings,
            StandardCivilEngineering,
            NonStandardCivilEngineering,
            EquipmentDevelopment,
            Outsourcing,
        ]
        .iter()
        .map(|p| p.upper_bound_percent())
        .collect();
        assert_eq!(figures, vec![24, 51, 44, 66, 200, 41]);
        assert_eq!(ServiceChange.upper_bound_percent(), 66);
        assert!(!ServiceChange.from_guidance());
        for p in ProjectType::ALL {
            assert_eq!(p.key().parse::<ProjectType>(), Ok(*p));
        }
    }

    #[test]
    fn mitigation_reduces_the_upper_bound() {
        let bias = |p, m| OptimismBias {
            project_type: p,
            mitigation: Mitigation::new(m).unwrap(),
        };
        // 24% × (1 − 0.25) = 18%.
        assert_eq!(bias(ProjectType::StandardBuildings, 25).rate(), dec!(0.18));
        assert_eq!(bias(ProjectType::StandardBuildings, 25).percent(), dec!(18));
        // 200% unmitigated: costs treble.
        assert_eq!(bias(ProjectType::EquipmentDevelopment, 0).rate(), dec!(2));
        // Fully mitigated: no uplift.
        assert_eq!(bias(ProjectType::Outsourcing, 100).rate(), Decimal::ZERO);
        // 41% × 0.6 = 24.6%.
        assert_eq!(bias(ProjectType::Outsourcing, 40).percent(), dec!(24.6));
    }

    #[test]
    fn mitigation_is_a_whole_percentage_from_0_to_100() {
        assert_eq!(Mitigation::parse("0"), Ok(Mitigation::NONE));
        assert_eq!(Mitigation::parse(" 35% ").map(Mitigation::percent), Ok(35));
        assert_eq!(Mitigation::parse("100").map(Mitigation::percent), Ok(100));
        assert_eq!(Mitigation::parse(""), Err(MitigationError::Missing));
        assert_eq!(Mitigation::parse("101"), Err(MitigationError::OutOfRange));
        assert_eq!(Mitigation::parse("999"), Err(MitigationError::OutOfRange));
        assert_eq!(Mitigation::parse("-5"), Err(MitigationError::NotANumber));
        assert_eq!(Mitigation::parse("12.5"), Err(MitigationError::NotANumber));
        assert_eq!(Mitigation::parse("half"), Err(MitigationError::NotANumber));
    }

    #[test]
    fn years_run_from_0_to_60() {
        assert_eq!(parse_year("0"), Ok(0));
        assert_eq!(parse_year(" 60 "), Ok(60));
        assert_eq!(parse_year("61"), Err(YearError::OutOfRange));
        assert_eq!(parse_year("70000"), Err(YearError::OutOfRange));
        assert_eq!(parse_year("-1"), Err(YearError::NotANumber));
        assert_eq!(parse_year("2027"), Err(YearError::OutOfRange));
        assert_eq!(parse_year("one"), Err(YearError::NotANumber));
        assert_eq!(parse_year(""), Err(YearError::Missing));
    }

    #[test]
    fn social_value_needs_a_source_and_costs_are_costs() {
        assert!(LineCategory::SocialValue.needs_source());
        assert!(!LineCategory::CashableBenefit.needs_source());
        assert!(LineCategory::CapitalCost.is_cost() && LineCategory::RevenueCost.is_cost());
        assert!(LineCategory::NonCashableBenefit.is_benefit());
    }

    /// A worked example, every figure by hand.
    ///
    /// Standard buildings, mitigated by 50%: optimism bias 24% × 0.5 = 12%.
    /// Factors: DF0 = 1, DF1 = 1/1.035 = 0.966184, DF2 = 1/1.071225 = 0.933511.
    ///
    /// Option "new":   capital £10,000 in year 0; cashable £6,000 in years 1
    ///                 and 2; social value £1,000 in year 2.
    ///   PV costs before bias = 10,000 × 1 = £10,000.00
    ///   PV costs with bias   = 10,000 × 1.12 = £11,200.00
    ///   PV cashable = 6,000 × (0.966184 + 0.933511) = 6,000 × 1.899694 = £11,398.17
    ///   PV social   = 1,000 × 0.933511 = £933.51
    ///   PV benefits = £12,331.68
    ///   NPV = 12,331.68 − 11,200 = £1,131.68
    ///   NPV without social value = 11,398.17 − 11,200 = £198.17
    ///   BCR = 12,331.68 / 11,200 = 1.10
    ///   Cumulative: year 0 = −11,200; year 1 = −11,200 + 5,797.10 = −5,402.90;
    ///   year 2 = −5,402.90 + 6,534.58 = +1,131.68 → payback in year 2.
    ///
    /// Business as usual: revenue £2,000 in years 0, 1 and 2.
    ///   PV costs before bias = 2,000 × (1 + 0.966184 + 0.933511) = £5,799.39
    ///   with bias × 1.12 = £6,495.32; NPV = −£6,495.32; no payback.
    ///   "new" relative to it: 1,131.676 + 6,495.315 = £7,626.99 (unrounded
    ///   terms; rounding each first would give £7,627.00).
    #[test]
    fn a_worked_example() {
        use LineCategory::*;
        let bias = OptimismBias {
            project_type: ProjectType::StandardBuildings,
            mitigation: Mitigation::new(50).unwrap(),
        };
        let bau = OptionLines {
            business_as_usual: true,
            lines: (0..=2).map(|y| at(y, RevenueCost, 2_000)).collect(),
        };
        let new = OptionLines {
            business_as_usual: false,
            lines: vec![
                at(0, CapitalCost, 10_000),
                at(1, CashableBenefit, 6_000),
                at(2, CashableBenefit, 6_000),
                at(2, SocialValue, 1_000),
            ],
        };
        let a = appraise(&GREEN_BOOK_2003, bias, &[bau, new]);
        assert_eq!(a.horizon, 2);
        let (bau, new) = (&a.options[0], &a.options[1]);

        assert_eq!(new.totals.capital, 1_000_000);
        assert_eq!(new.totals.benefits(), 1_300_000);
        assert_eq!(to_pence(new.pv_costs_before_bias), 1_000_000);
        assert_eq!(to_pence(new.pv_costs), 1_120_000);
        assert_eq!(to_pence(new.pv_bias), 120_000);
        assert_eq!(to_pence(new.pv_cashable), 1_139_817);
        assert_eq!(to_pence(new.pv_social_value), 93_351);
        assert_eq!(to_pence(new.pv_benefits), 1_233_168);
        assert_eq!(to_pence(new.npv), 113_168);
        assert_eq!(to_pence(new.npv_excluding_social_value), 19_817);
        assert_eq!(ratio_2dp(new.bcr.unwrap()), "1.10");
        assert_eq!(new.payback_year, Some(2));
        assert_eq!(to_pence(new.cumulative[0]), -1_120_000);
        assert_eq!(to_pence(new.cumulative[1]), -540_290);

        assert_eq!(to_pence(bau.pv_costs_before_bias), 579_939);
        assert_eq!(to_pence(bau.npv), -649_532);
        assert_eq!(bau.bcr.map(ratio_2dp), Some("0.00".into()));
        assert_eq!(bau.payback_year, None);
        assert_eq!(bau.npv_vs_bau, Some(Decimal::ZERO));
        assert_eq!(to_pence(new.npv_vs_bau.unwrap()), 762_699);
        assert_eq!(
            to_pence(new.npv_excluding_social_value_vs_bau.unwrap()),
            // 198.166 + 6,495.315 = £6,693.48
            669_348
        );
    }

    #[test]
    fn no_costs_means_no_ratio_and_no_lines_means_no_payback() {
        let bias = OptimismBias {
            project_type: ProjectType::Outsourcing,
            mitigation: Mitigation::NONE,
        };
        let only_benefits = OptionLines {
            business_as_usual: false,
            lines: vec![at(3, LineCategory::NonCashableBenefit, 500)],
        };
        let empty = OptionLines::default();
        let a = appraise(&GREEN_BOOK_2003, bias, &[only_benefits, empty]);
        assert_eq!(a.options[0].bcr, None);
        // Nothing happens before year 3, so payback is not "year 0".
        assert_eq!(a.options[0].payback_year, Some(3));
        assert_eq!(a.options[1].payback_year, None);
        assert_eq!(a.options[1].npv, Decimal::ZERO);
        // Without business as usual there is nothing to be relative to.
        assert_eq!(a.options[0].npv_vs_bau, None);
    }

    #[test]
    fn rounding_to_pounds_and_pence() {
        assert_eq!(to_pence(dec!(1234.5)), 1235);
        assert_eq!(to_pence(dec!(-1234.5)), -1235);
        assert_eq!(to_whole_pounds(dec!(123_450)), 123_500);
        assert_eq!(to_whole_pounds(dec!(-123_449)), -123_400);
        assert_eq!(ratio_2dp(dec!(1.005)), "1.01");
        assert_eq!(ratio_2dp(dec!(2)), "2.00");
    }

    fn line_strategy() -> impl Strategy<Value = Line> {
        (
            0..=MAX_YEAR,
            prop::sample::select(LineCategory::ALL.to_vec()),
            1i64..1_000_000_000,
        )
            .prop_map(|(year, category, amount)| Line {
                year,
                category,
                amount,
            })
    }

    proptest! {
        /// NPV is PV benefits minus PV costs, the cumulative series ends at
        /// the NPV, and more mitigation never lowers the NPV.
        #[test]
        fn appraisal_identities(
            lines in prop::collection::vec(line_strategy(), 0..40),
            type_index in 0usize..7,
            m1 in 0u8..=100,
            m2 in 0u8..=100,
        ) {
            let project_type = ProjectType::ALL[type_index];
            let option = OptionLines { business_as_usual: false, lines };
            let bias = |m| OptimismBias { project_type, mitigation: Mitigation::new(m).unwrap() };
            let a = appraise(&GREEN_BOOK_2003, bias(m1), std::slice::from_ref(&option));
            let o = &a.options[0];
            // Equal up to Decimal's 28 significant digits: the yearly series
            // multiplies before it adds, the totals add before they multiply.
            let close = |a: Decimal, b: Decimal| (a - b).abs() < dec!(0.000001);
            prop_assert_eq!(o.npv, o.pv_benefits - o.pv_costs);
            prop_assert!(close(o.npv_excluding_social_value + o.pv_social_value, o.npv));
            prop_assert!(close(*o.cumulative.last().unwrap(), o.npv));
            prop_assert!(o.pv_costs >= o.pv_costs_before_bias);
            prop_assert!(o.pv_benefits <= Decimal::from(o.totals.benefits()));
            if let Some(y) = o.payback_year {
                prop_assert!(o.cumulative[usize::from(y)] >= Decimal::ZERO);
            }
            let (lo, hi) = (m1.min(m2), m1.max(m2));
            let less = appraise(&GREEN_BOOK_2003, bias(lo), std::slice::from_ref(&option));
            let more = appraise(&GREEN_BOOK_2003, bias(hi), std::slice::from_ref(&option));
            prop_assert!(more.options[0].npv >= less.options[0].npv);
        }
    }

    #[test]
    fn completeness_lists_what_is_missing_in_order() {
        let nothing = CaseFacts {
            options: vec![OptionFacts {
                business_as_usual: true,
                cost_lines: 3,
                benefit_lines: 0,
            }],
            ..CaseFacts::default()
        };
        assert_eq!(
            missing(&nothing),
            vec![
                Missing::OptionBesidesBau,
                Missing::PreferredOption,
                Missing::FundingModel,
                Missing::RiskOfNotInnovating,
                Missing::RegisterRisk,
            ]
        );
        // An option with costs but no benefits, and another with benefits
        // but no costs, do not make one option with both.
        let split = CaseFacts {
            options: vec![
                OptionFacts {
                    business_as_usual: true,
                    cost_lines: 1,
                    benefit_lines: 1,
                },
                OptionFacts {
                    business_as_usual: false,
                    cost_lines: 2,
                    benefit_lines: 0,
                },
                OptionFacts {
                    business_as_usual: false,
                    cost_lines: 0,
                    benefit_lines: 2,
                },
            ],
            preferred_option: true,
            funding_model: true,
            risk_of_not_innovating: true,
            risks: 1,
        };
        assert_eq!(missing(&split), vec![Missing::CostAndBenefitLines]);
        let mut complete = split.clone();
        complete.options[1].benefit_lines = 1;
        assert!(is_complete(&complete));
        complete.risks = 0;
        assert_eq!(missing(&complete), vec![Missing::RegisterRisk]);
    }

    #[test]
    fn who_may_see_and_change_a_business_case() {
        use Role::*;
        for role in Role::ALL {
            let sees = matches!(role, InnovationLead | Panel | Councillor);
            assert_eq!(may_view(&[role], false), sees, "{role}");
            assert!(may_view(&[role], true), "the author, as {role}");
        }
        // The author writes it from screening until it goes to the panel.
        assert!(!may_edit(&[Staff], true, "submitted"));
        assert!(may_edit(&[Staff], true, "screened"));
        assert!(may_edit(&[Resident], true, "business_case"));
        assert!(!may_edit(&[Staff], true, "decision"));
        // Nobody else but the people who run the pipeline, at any stage.
        assert!(!may_edit(&[Staff], false, "business_case"));
        assert!(!may_edit(&[Panel], false, "business_case"));
        assert!(may_edit(&[InnovationLead], false, "pilot"));
    }
}
