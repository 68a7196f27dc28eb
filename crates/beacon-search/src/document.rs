//! One entry of the index: a council's own published case (found by its own
//! people) or a publication (found by whoever it was published to).
use uuid::Uuid;

/// Which record an entry was built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A row of `case_studies`, for its own council.
    Case,
    /// A row of `case_publications`, for everyone else.
    Publication,
}

impl Kind {
    pub const fn key(self) -> &'static str {
        match self {
            Kind::Case => "case",
            Kind::Publication => "publication",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        match key {
            "case" => Some(Kind::Case),
            "publication" => Some(Kind::Publication),
            _ => None,
        }
    }
}

/// Who may find an entry: the tokens written into the `vis` field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// Everyone, signed in or not.
    Public,
    /// The people acting for these councils.
    Councils(Vec<Uuid>),
}

impl Visibility {
    pub fn tokens(&self) -> Vec<String> {
        match self {
            Visibility::Public => vec![PUBLIC_TOKEN.to_owned()],
            Visibility::Councils(orgs) => orgs.iter().map(|o| org_token(*o)).collect(),
        }
    }
}

pub(crate) const PUBLIC_TOKEN: &str = "public";

pub(crate) fn org_token(org: Uuid) -> String {
    format!("org:{org}")
}

/// The facets a search counts and filters by, in the order the page shows
/// them. The keys are the query-string keys, allow-listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    Area,
    Facet,
    Stage,
    Outcome,
    Evidence,
    Council,
    Year,
}

impl Dimension {
    pub const ALL: [Dimension; 7] = [
        Dimension::Area,
        Dimension::Facet,
        Dimension::Stage,
        Dimension::Outcome,
        Dimension::Evidence,
        Dimension::Council,
        Dimension::Year,
    ];

    pub const fn key(self) -> &'static str {
        match self {
            Dimension::Area => "area",
            Dimension::Facet => "facet",
            Dimension::Stage => "stage",
            Dimension::Outcome => "outcome",
            Dimension::Evidence => "evidence",
            Dimension::Council => "council",
            Dimension::Year => "year",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.key() == key)
    }
}

/// What is indexed of a case or a publication. Built by `source` from the
/// database, or by a benchmark from generated text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    pub kind: Kind,
    /// The case's id (for `Kind::Case`) or the publication's.
    pub id: Uuid,
    /// The case a publication projects, so a council is not shown its own
    /// case twice (its own case and its publication). Never shown.
    pub case_ref: Option<Uuid>,
    /// The council that owns a named entry. `None` for an anonymised
    /// publication and for another Beacon's case: the entry then carries
    /// no council at all.
    pub owner: Option<Uuid>,
    /// The council's name as shown; `None` for an anonymised publication.
    pub council: Option<String>,
    pub visibility: Visibility,
    pub title: String,
    pub summary: String,
    /// Every other section, in page order.
    pub sections: Vec<String>,
    pub tags: Vec<String>,
    pub service_area: String,
    pub facet: String,
    pub stage: String,
    pub outcome: String,
    pub evidence_level: i16,
    pub year: i32,
    /// Seconds since the epoch, for ordering when there is no text to rank by.
    pub published: i64,
}

impl Document {
    /// The unique key of the entry in the index.
    pub fn key(&self) -> String {
        key(self.kind, self.id)
    }

    /// The facet values this entry is counted under.
    pub fn facet_values(&self) -> Vec<(Dimension, String)> {
        let mut out = vec![
            (Dimension::Area, self.service_area.clone()),
            (Dimension::Facet, self.facet.clone()),
            (Dimension::Stage, self.stage.clone()),
            (Dimension::Outcome, self.outcome.clone()),
            (Dimension::Evidence, self.evidence_level.to_string()),
            (Dimension::Year, self.year.to_string()),
        ];
        if let Some(council) = &self.council {
            out.push((Dimension::Council, council.clone()));
        }
        out.retain(|(_, v)| !v.is_empty());
        out
    }
}

pub(crate) fn key(kind: Kind, id: Uuid) -> String {
    format!("{}:{id}", kind.key())
}
