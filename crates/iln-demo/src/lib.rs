//! The demo network: 700 people in 60 countries, their coordinators and the three sign-in
//! accounts, generated deterministically from a seed so every demo and test sees the same data.
//!
//! Sizes follow a Zipf-like law, as in the real program, where a handful of English-speaking
//! countries supplied most applicants and a long tail of countries sent a few each. The names,
//! cities and institutions are invented from small per-region lists written for this module;
//! any resemblance to a real person is chance.

use std::collections::HashSet;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use iln_domain::account::Role;
use iln_domain::country::CountryCode;
use iln_domain::profile::{CareerStage, Sector};
use iln_domain::timezone::TimeZoneName;

/// The seed `iln demo` and `serve --demo` use unless told otherwise: the pilot's year.
pub const DEFAULT_SEED: u64 = 2013;

/// How many people the demo network holds.
pub const PEOPLE: usize = 700;

/// The Zipf exponent of the country sizes: 1.0 would give the largest country over a fifth of
/// everyone, more than the program's 20% country cap allowed in a round.
pub const ZIPF_EXPONENT: f64 = 0.9;

// The demo's sign-in accounts. The passwords are public on purpose: they exist only so a person
// trying the platform on their own machine can sign in as each role. Never load the demo into a
// database that real people use.

/// The program coordinator's demo account.
pub const ADMIN_EMAIL: &str = "admin@example.org";
/// The admin's demo password (local demo only).
pub const ADMIN_PASSWORD: &str = "iln-demo-admin-2013";
/// A country coordinator's demo account, scoped to [`COORDINATOR_COUNTRIES`].
pub const COORDINATOR_EMAIL: &str = "coordinator@example.org";
/// The country coordinator's demo password (local demo only).
pub const COORDINATOR_PASSWORD: &str = "iln-demo-coordinator-2013";
/// The countries the demo coordinator looks after: a regional pair, as volunteers often had.
pub const COORDINATOR_COUNTRIES: [&str; 2] = ["NG", "GH"];
/// A participant's demo account, linked to the first person of the network.
pub const PARTICIPANT_EMAIL: &str = "participant@example.org";
/// The participant's demo password (local demo only).
pub const PARTICIPANT_PASSWORD: &str = "iln-demo-participant-2013";

/// The topics people's interests are drawn from: the domain's default list.
pub use iln_domain::application::DEFAULT_INTERESTS as INTERESTS;

/// The whole demo network.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoNetwork {
    /// The seed it was generated from.
    pub seed: u64,
    /// The countries taking part, largest first, with how many people each has.
    pub countries: Vec<DemoCountry>,
    /// Everyone in the network, grouped by country in the order of `countries`.
    pub people: Vec<DemoPerson>,
    /// The sign-in accounts: the three demo accounts first, then the other country
    /// coordinators (who have no password; they would set one through a reset link).
    pub accounts: Vec<DemoAccount>,
}

/// One country of the network and its size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoCountry {
    pub code: CountryCode,
    pub people: usize,
}

/// One participant's profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoPerson {
    pub full_name: String,
    pub email: String,
    pub country: CountryCode,
    pub city: String,
    pub institution: String,
    pub sector: Sector,
    pub career_stage: CareerStage,
    pub time_zone: TimeZoneName,
    /// ISO 639-1 codes; everyone has "en", the program language.
    pub languages: Vec<String>,
    /// Two to five entries of [`INTERESTS`].
    pub interests: Vec<String>,
}

/// One sign-in account of the demo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoAccount {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// The coordinator's scope; empty for other roles.
    pub countries: Vec<CountryCode>,
    /// The documented demo password, or `None` for an account that cannot sign in until it
    /// sets a password.
    pub password: Option<&'static str>,
    /// The index in [`DemoNetwork::people`] of this account's own profile, if it has one.
    pub person: Option<usize>,
    pub time_zone: Option<TimeZoneName>,
}

impl DemoNetwork {
    /// The account with this email, if the demo has one.
    pub fn account(&self, email: &str) -> Option<&DemoAccount> {
        self.accounts.iter().find(|a| a.email == email)
    }
}

/// Builds the demo network. Pure: the same seed gives the same network on every machine,
/// because the generator is ChaCha and every draw goes through an integer range.
pub fn generate(seed: u64) -> DemoNetwork {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let specs: Vec<(CountryCode, &CountrySpec)> = SPECS
        .iter()
        .filter_map(|spec| CountryCode::parse(spec.code).ok().map(|code| (code, spec)))
        .collect();
    let sizes = zipf_sizes(PEOPLE, specs.len(), ZIPF_EXPONENT);

    let mut taken_emails: HashSet<String> = [ADMIN_EMAIL, COORDINATOR_EMAIL, PARTICIPANT_EMAIL]
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut countries = Vec::with_capacity(specs.len());
    let mut people = Vec::with_capacity(PEOPLE);
    let mut first_of_country = Vec::with_capacity(specs.len());
    for (&(code, spec), &size) in specs.iter().zip(&sizes) {
        countries.push(DemoCountry { code, people: size });
        first_of_country.push(people.len());
        for _ in 0..size {
            people.push(person(&mut rng, code, spec, &mut taken_emails));
        }
    }

    let accounts = accounts(&mut rng, &countries, &first_of_country, &mut people);
    DemoNetwork {
        seed,
        countries,
        people,
        accounts,
    }
}

/// Splits `total` into `n` sizes proportional to 1/rank^exponent, largest first, summing
/// exactly to `total` (largest-remainder rounding). Each size is at least one, so when `total`
/// is smaller than `n` the sizes are all one and sum to `n`.
pub fn zipf_sizes(total: usize, n: usize, exponent: f64) -> Vec<usize> {
    if n == 0 {
        return Vec::new();
    }
    let weights: Vec<f64> = (1..=n).map(|rank| (rank as f64).powf(-exponent)).collect();
    let sum: f64 = weights.iter().sum();
    // Everyone gets one first, so no country ends up empty however long the tail.
    let spare = total.saturating_sub(n);
    let exact: Vec<f64> = weights.iter().map(|w| spare as f64 * w / sum).collect();
    let mut sizes: Vec<usize> = exact.iter().map(|x| 1 + x.floor() as usize).collect();
    let mut short = total.saturating_sub(sizes.iter().sum());
    let mut by_remainder: Vec<usize> = (0..n).collect();
    // Ties go to the larger country, which keeps the sizes non-increasing.
    by_remainder.sort_by(|&a, &b| {
        let ra = exact[a] - exact[a].floor();
        let rb = exact[b] - exact[b].floor();
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for index in by_remainder {
        if short == 0 {
            break;
        }
        sizes[index] += 1;
        short -= 1;
    }
    sizes
}

fn person(
    rng: &mut ChaCha8Rng,
    country: CountryCode,
    spec: &CountrySpec,
    taken_emails: &mut HashSet<String>,
) -> DemoPerson {
    let names = NAME_LISTS
        .get(weighted(rng, spec.names) as usize)
        .unwrap_or(&NAME_LISTS[0]);
    let given = pick(rng, names.given);
    let family = pick(rng, names.family);
    let full_name = if names.family_first {
        format!("{family} {given}")
    } else {
        format!("{given} {family}")
    };
    let email = unique_email(rng, given, family, taken_emails);

    let city_index = weighted_index(rng, spec.cities.len());
    let (city, zone) = spec.cities[city_index];
    let time_zone = TimeZoneName::parse(zone).unwrap_or_else(|_| TimeZoneName::utc());
    let sector = Sector::ALL[weighted(rng, &SECTOR_WEIGHTS) as usize];
    let career_stage = CareerStage::ALL[weighted(rng, &STAGE_WEIGHTS) as usize];
    let institution = institution(rng, sector, city, country);

    DemoPerson {
        full_name,
        email,
        country,
        city: city.to_owned(),
        institution,
        sector,
        career_stage,
        time_zone,
        languages: languages(rng, spec),
        interests: interests(rng),
    }
}

/// The three demo accounts and the other coordinators: two for each of the four largest
/// countries and one for each of the next eight, drawn from that country's people.
fn accounts(
    rng: &mut ChaCha8Rng,
    countries: &[DemoCountry],
    first_of_country: &[usize],
    people: &mut [DemoPerson],
) -> Vec<DemoAccount> {
    let coordinator_scope: Vec<CountryCode> = COORDINATOR_COUNTRIES
        .iter()
        .filter_map(|code| CountryCode::parse(code).ok())
        .collect();
    let mut accounts = vec![
        DemoAccount {
            email: ADMIN_EMAIL.to_owned(),
            display_name: "Demo Admin".to_owned(),
            role: Role::Admin,
            countries: Vec::new(),
            password: Some(ADMIN_PASSWORD),
            person: None,
            time_zone: TimeZoneName::parse("Australia/Sydney").ok(),
        },
        DemoAccount {
            email: COORDINATOR_EMAIL.to_owned(),
            display_name: "Demo Coordinator".to_owned(),
            role: Role::CountryCoordinator,
            countries: coordinator_scope,
            password: Some(COORDINATOR_PASSWORD),
            person: None,
            time_zone: TimeZoneName::parse("Africa/Lagos").ok(),
        },
    ];
    if let Some(first) = people.first_mut() {
        first.email = PARTICIPANT_EMAIL.to_owned();
        accounts.push(DemoAccount {
            email: PARTICIPANT_EMAIL.to_owned(),
            display_name: first.full_name.clone(),
            role: Role::Participant,
            countries: Vec::new(),
            password: Some(PARTICIPANT_PASSWORD),
            person: Some(0),
            time_zone: Some(first.time_zone.clone()),
        });
    }

    for (rank, (country, &first)) in countries.iter().zip(first_of_country).enumerate() {
        let wanted = match rank {
            0..4 => 2,
            4..12 => 1,
            _ => 0,
        };
        // Skip the demo participant: their account is already a participant's.
        let candidates: Vec<usize> = (first..first + country.people)
            .filter(|&index| index != 0)
            .collect();
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < wanted.min(candidates.len()) {
            let index = *pick(rng, &candidates);
            if !chosen.contains(&index) {
                chosen.push(index);
            }
        }
        for index in chosen {
            let person = &people[index];
            accounts.push(DemoAccount {
                email: person.email.clone(),
                display_name: person.full_name.clone(),
                role: Role::CountryCoordinator,
                countries: vec![country.code],
                password: None,
                person: Some(index),
                time_zone: Some(person.time_zone.clone()),
            });
        }
    }
    accounts
}

fn unique_email(
    rng: &mut ChaCha8Rng,
    given: &str,
    family: &str,
    taken: &mut HashSet<String>,
) -> String {
    let domain = pick(rng, &["example.org", "example.net", "example.com"]);
    let local = format!("{}.{}", ascii_letters(given), ascii_letters(family));
    let mut candidate = format!("{local}@{domain}");
    let mut counter = 2;
    while taken.contains(&candidate) {
        candidate = format!("{local}{counter}@{domain}");
        counter += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

/// The name as plain lower-case ASCII letters for an email address: accents are dropped and
/// spaces, hyphens and apostrophes removed ("Siobhán" → "siobhan", "de Silva" → "desilva").
fn ascii_letters(name: &str) -> String {
    name.chars()
        .filter_map(|ch| {
            let base = match ch {
                'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'Á' | 'Å' | 'Ä' => 'a',
                'æ' => 'a',
                'ç' | 'č' | 'ć' | 'Ç' | 'Č' | 'Ć' => 'c',
                'đ' | 'Đ' => 'd',
                'é' | 'è' | 'ê' | 'ë' | 'É' => 'e',
                'ğ' => 'g',
                'í' | 'ì' | 'î' | 'ï' | 'ı' | 'İ' => 'i',
                'ł' | 'Ł' => 'l',
                'ñ' => 'n',
                'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'Ö' | 'Ø' => 'o',
                'ś' | 'š' | 'ş' | 'Ś' | 'Š' | 'Ş' => 's',
                'ú' | 'ù' | 'û' | 'ü' | 'Ü' => 'u',
                'ý' => 'y',
                'ź' | 'ż' | 'ž' | 'Ž' | 'Ż' => 'z',
                other => other.to_ascii_lowercase(),
            };
            base.is_ascii_alphanumeric().then_some(base)
        })
        .collect()
}

fn institution(rng: &mut ChaCha8Rng, sector: Sector, city: &str, country: CountryCode) -> String {
    let name = country.name();
    match sector {
        Sector::Academic => match rng.random_range(0..4u32) {
            0 | 1 => format!("University of {city} Library"),
            2 => format!("{city} Institute of Technology Library"),
            _ => format!("{city} Metropolitan University Library"),
        },
        Sector::Public => match rng.random_range(0..3u32) {
            0 => format!("{city} Public Library"),
            1 => format!("{city} City Libraries"),
            _ => format!("{city} Central Library"),
        },
        Sector::School => match rng.random_range(0..3u32) {
            0 => format!("{city} International School Library"),
            1 => format!("{city} Grammar School Library"),
            _ => format!("{city} High School Library"),
        },
        Sector::Special => match rng.random_range(0..4u32) {
            0 => format!("{city} General Hospital Medical Library"),
            1 => format!("{city} Law Society Library"),
            2 => format!("{city} Chamber of Commerce Information Centre"),
            _ => format!("Agricultural Research Institute Library, {city}"),
        },
        Sector::Government => match rng.random_range(0..3u32) {
            0 => format!("Parliamentary Library of {name}"),
            1 => format!("Ministry of Health Library, {name}"),
            _ => format!("{city} City Council Research Library"),
        },
        Sector::National => match country.as_str() {
            "US" => "Library of Congress".to_owned(),
            "GB" => "British Library".to_owned(),
            _ => format!("National Library of {name}"),
        },
        Sector::Archives => match rng.random_range(0..2u32) {
            0 => format!("National Archives of {name}"),
            _ => format!("{city} City Archives"),
        },
        Sector::Museum => match rng.random_range(0..2u32) {
            0 => format!("{city} Museum Library"),
            _ => format!("National Museum of {name} Research Library"),
        },
        Sector::LisEducation => match rng.random_range(0..2u32) {
            0 => format!("School of Information Studies, University of {city}"),
            _ => format!("Department of Library and Information Science, University of {city}"),
        },
        Sector::Vendor => {
            let company = pick(
                rng,
                &[
                    "Meridian Library Systems",
                    "Bookbridge Library Supply",
                    "OpenShelf Software",
                    "Catalogue Works",
                    "Lantern Subscriptions",
                ],
            );
            format!("{company}, {city} office")
        }
        Sector::Other => match rng.random_range(0..3u32) {
            0 => format!("{city} Community Information Centre"),
            1 => format!("{city} Literacy Trust"),
            _ => "Independent information consultant".to_owned(),
        },
    }
}

/// English for everyone (the program language) plus, for a share of people set per country,
/// one or two local languages; people in mostly English-speaking countries sometimes speak a
/// community language instead.
fn languages(rng: &mut ChaCha8Rng, spec: &CountrySpec) -> Vec<String> {
    let mut languages = vec!["en".to_owned()];
    let pool = if spec.local.is_empty() {
        &COMMUNITY_LANGUAGES[..]
    } else {
        spec.local
    };
    if rng.random_range(0..100u32) < u32::from(spec.local_share) {
        let first = pool[weighted_index(rng, pool.len())];
        languages.push(first.to_owned());
        if pool.len() > 1 && rng.random_range(0..4u32) == 0 {
            let second = *pick(rng, pool);
            if !languages.iter().any(|l| l == second) {
                languages.push(second.to_owned());
            }
        }
    }
    languages
}

fn interests(rng: &mut ChaCha8Rng) -> Vec<String> {
    let count = rng.random_range(2..=5u32) as usize;
    let mut order: Vec<usize> = (0..INTERESTS.len()).collect();
    // A partial Fisher-Yates shuffle: the first `count` entries are a uniform sample.
    for i in 0..count {
        let j = rng.random_range(i as u32..order.len() as u32) as usize;
        order.swap(i, j);
    }
    order[..count]
        .iter()
        .map(|&i| INTERESTS[i].to_owned())
        .collect()
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len() as u32) as usize]
}

/// An index into `weights` drawn in proportion to the weights.
fn weighted<T: Copy + Into<u32>>(rng: &mut ChaCha8Rng, weights: &[(T, u32)]) -> u32 {
    let total: u32 = weights.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total.max(1));
    for (item, weight) in weights {
        if roll < *weight {
            return (*item).into();
        }
        roll -= weight;
    }
    weights.last().map(|(item, _)| (*item).into()).unwrap_or(0)
}

/// An index below `len` where earlier entries are likelier (weight 1/(i+1)): the first city of
/// a country is its largest, the first language its most spoken.
fn weighted_index(rng: &mut ChaCha8Rng, len: usize) -> usize {
    // Weights 60/(i+1) in integers; 60 is divisible by 1 through 6, enough for our lists.
    let weights: Vec<u32> = (0..len as u32).map(|i| (60 / (i + 1)).max(1)).collect();
    let total: u32 = weights.iter().sum();
    let mut roll = rng.random_range(0..total.max(1));
    for (index, weight) in weights.iter().enumerate() {
        if roll < *weight {
            return index;
        }
        roll -= weight;
    }
    0
}

/// Shares of the sectors among participants: academic and public librarians dominated.
const SECTOR_WEIGHTS: [(u8, u32); 11] = [
    (0, 30),
    (1, 22),
    (2, 10),
    (3, 9),
    (4, 6),
    (5, 4),
    (6, 5),
    (7, 3),
    (8, 5),
    (9, 2),
    (10, 4),
];

/// Shares of the career stages: the program drew many early-career librarians.
const STAGE_WEIGHTS: [(u8, u32); 4] = [(0, 12), (1, 36), (2, 32), (3, 20)];

/// Languages of migrant communities, for people in mostly English-speaking countries.
const COMMUNITY_LANGUAGES: [&str; 8] = ["zh", "es", "vi", "ar", "hi", "it", "el", "fr"];

/// What the generator needs to know about one country.
struct CountrySpec {
    code: &'static str,
    /// Which name lists its people's names come from, with weights (indices into NAME_LISTS).
    names: &'static [(u8, u32)],
    /// Cities with their IANA zones, largest first; big countries span several zones.
    cities: &'static [(&'static str, &'static str)],
    /// ISO 639-1 codes of local languages, most spoken first.
    local: &'static [&'static str],
    /// Percentage of people who list a local (or community) language besides English.
    local_share: u8,
}

/// Given names and family names of one naming tradition.
struct NameList {
    given: &'static [&'static str],
    family: &'static [&'static str],
    /// Whether the family name is written first, as in Chinese, Korean and Vietnamese names.
    family_first: bool,
}

const ANGLO: u8 = 0;
const IRISH: u8 = 1;
const MAORI: u8 = 2;
const QUEBEC: u8 = 3;
const INDIAN: u8 = 4;
const PAKISTANI: u8 = 5;
const BANGLADESHI: u8 = 6;
const SRI_LANKAN: u8 = 7;
const NEPALI: u8 = 8;
const NIGERIAN: u8 = 9;
const GHANAIAN: u8 = 10;
const EAST_AFRICAN: u8 = 11;
const ETHIOPIAN: u8 = 12;
const RWANDAN: u8 = 13;
const SOUTHERN_AFRICAN: u8 = 14;
const CAMEROONIAN: u8 = 15;
const FILIPINO: u8 = 16;
const MALAY: u8 = 17;
const CHINESE: u8 = 18;
const INDONESIAN: u8 = 19;
const JAPANESE: u8 = 20;
const KOREAN: u8 = 21;
const VIETNAMESE: u8 = 22;
const THAI: u8 = 23;
const ARABIC: u8 = 24;
const MAGHREBI: u8 = 25;
const TURKISH: u8 = 26;
const GREEK: u8 = 27;
const GERMAN: u8 = 28;
const DUTCH: u8 = 29;
const SWEDISH: u8 = 30;
const NORWEGIAN: u8 = 31;
const DANISH: u8 = 32;
const FINNISH: u8 = 33;
const ITALIAN: u8 = 34;
const HISPANIC: u8 = 35;
const BRAZILIAN: u8 = 36;
const POLISH: u8 = 37;
const CROATIAN: u8 = 38;
const UKRAINIAN: u8 = 39;
const FIJIAN: u8 = 40;
const PAPUAN: u8 = 41;
const CARIBBEAN: u8 = 42;
const AFRIKANER: u8 = 43;

const fn names(given: &'static [&'static str], family: &'static [&'static str]) -> NameList {
    NameList {
        given,
        family,
        family_first: false,
    }
}

const fn names_family_first(
    given: &'static [&'static str],
    family: &'static [&'static str],
) -> NameList {
    NameList {
        given,
        family,
        family_first: true,
    }
}

/// Indexed by the constants above; a test checks that every index a country uses exists.
static NAME_LISTS: [NameList; 44] = [
    names(
        &[
            "James",
            "Olivia",
            "Jack",
            "Charlotte",
            "William",
            "Amelia",
            "Thomas",
            "Emily",
            "Daniel",
            "Sophie",
            "Matthew",
            "Grace",
            "Liam",
            "Chloe",
            "Samuel",
            "Hannah",
            "Benjamin",
            "Jessica",
            "Lucy",
            "Michael",
            "Sarah",
            "David",
            "Rachel",
            "Kate",
        ],
        &[
            "Smith", "Jones", "Williams", "Brown", "Taylor", "Wilson", "Johnson", "White",
            "Martin", "Anderson", "Thompson", "Walker", "Harris", "Clarke", "Robinson", "Wright",
            "Mitchell", "Campbell", "Kelly", "Hughes", "Evans", "Lewis", "Baker", "Murray",
        ],
    ),
    names(
        &[
            "Aoife", "Ciara", "Niamh", "Siobhán", "Orla", "Sinéad", "Conor", "Seán", "Cian",
            "Darragh", "Eoin", "Pádraig",
        ],
        &[
            "Murphy",
            "O'Brien",
            "Byrne",
            "Ryan",
            "O'Sullivan",
            "Walsh",
            "O'Connor",
            "McCarthy",
            "Doyle",
            "Kennedy",
            "Gallagher",
            "Quinn",
        ],
    ),
    names(
        &[
            "Aroha", "Mere", "Hemi", "Tama", "Anahera", "Wiremu", "Ngaio", "Rawiri",
        ],
        &[
            "Ngata", "Parata", "Tuhiwai", "Rangi", "Tipene", "Horomona", "Wihongi", "Karaka",
        ],
    ),
    names(
        &[
            "Marie",
            "Julie",
            "Geneviève",
            "Isabelle",
            "Luc",
            "Mathieu",
            "François",
            "Étienne",
            "Sophie",
            "Louis",
        ],
        &[
            "Tremblay",
            "Gagnon",
            "Roy",
            "Côté",
            "Bouchard",
            "Gauthier",
            "Morin",
            "Lavoie",
            "Fortin",
            "Pelletier",
        ],
    ),
    names(
        &[
            "Priya",
            "Ananya",
            "Aishwarya",
            "Deepa",
            "Lakshmi",
            "Kavya",
            "Rahul",
            "Arjun",
            "Vikram",
            "Suresh",
            "Rohan",
            "Anil",
            "Meera",
            "Sanjay",
            "Divya",
            "Karthik",
        ],
        &[
            "Sharma",
            "Patel",
            "Iyer",
            "Nair",
            "Reddy",
            "Gupta",
            "Singh",
            "Kumar",
            "Das",
            "Menon",
            "Rao",
            "Chatterjee",
            "Joshi",
            "Banerjee",
            "Pillai",
            "Mehta",
        ],
    ),
    names(
        &[
            "Ayesha", "Fatima", "Sana", "Hira", "Zainab", "Ali", "Ahmed", "Usman", "Bilal",
            "Imran", "Hamza", "Nadia",
        ],
        &[
            "Khan", "Hussain", "Qureshi", "Malik", "Butt", "Sheikh", "Chaudhry", "Raza",
            "Siddiqui", "Mirza",
        ],
    ),
    names(
        &[
            "Nusrat", "Farhana", "Tahmina", "Sharmin", "Rafiq", "Tanvir", "Arif", "Shahid",
            "Rumana", "Mahmud",
        ],
        &[
            "Rahman",
            "Hossain",
            "Islam",
            "Ahmed",
            "Chowdhury",
            "Begum",
            "Uddin",
            "Sarkar",
            "Akter",
            "Haque",
        ],
    ),
    names(
        &[
            "Nimali", "Dilani", "Chamari", "Sanduni", "Kasun", "Nuwan", "Chaminda", "Tharindu",
            "Ishara", "Ruwan",
        ],
        &[
            "Perera",
            "Fernando",
            "de Silva",
            "Jayasinghe",
            "Wickramasinghe",
            "Bandara",
            "Dissanayake",
            "Gunawardena",
            "Herath",
            "Ranasinghe",
        ],
    ),
    names(
        &[
            "Sita", "Anjali", "Sabina", "Pramila", "Bikash", "Suman", "Rajesh", "Prakash", "Nabin",
            "Sunita",
        ],
        &[
            "Shrestha", "Sharma", "Adhikari", "Gurung", "Thapa", "Tamang", "Rai", "Karki",
            "Maharjan", "Poudel",
        ],
    ),
    names(
        &[
            "Adaeze",
            "Chiamaka",
            "Ngozi",
            "Funmilayo",
            "Folake",
            "Aisha",
            "Oluwaseun",
            "Chinedu",
            "Emeka",
            "Tunde",
            "Ibrahim",
            "Babajide",
            "Yetunde",
            "Obinna",
            "Halima",
            "Kehinde",
        ],
        &[
            "Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Abubakar", "Ogunleye", "Nwosu",
            "Bello", "Adebayo", "Ibekwe", "Olawale",
        ],
    ),
    names(
        &[
            "Akosua", "Abena", "Ama", "Efua", "Adwoa", "Kwame", "Kofi", "Kwabena", "Yaw", "Kojo",
            "Esi", "Nana",
        ],
        &[
            "Mensah", "Owusu", "Boateng", "Asante", "Osei", "Agyeman", "Appiah", "Amoah", "Darko",
            "Antwi",
        ],
    ),
    names(
        &[
            "Wanjiru", "Achieng", "Njeri", "Nakato", "Neema", "Zawadi", "Amani", "Faith", "Otieno",
            "Kamau", "Baraka", "Musa", "Juma", "Okello", "Mugisha",
        ],
        &[
            "Odhiambo", "Mwangi", "Kiprono", "Mutua", "Ochieng", "Njoroge", "Okello", "Ssempala",
            "Namutebi", "Mushi", "Massawe", "Mbwana",
        ],
    ),
    names(
        &[
            "Selam", "Hanna", "Meron", "Tigist", "Abebe", "Dawit", "Yonas", "Bereket", "Liya",
            "Mekdes",
        ],
        &[
            "Tesfaye",
            "Bekele",
            "Girma",
            "Alemu",
            "Haile",
            "Tadesse",
            "Mengistu",
            "Kebede",
            "Worku",
            "Gebremedhin",
        ],
    ),
    names(
        &[
            "Aline",
            "Divine",
            "Claudine",
            "Jean Paul",
            "Eric",
            "Olivier",
            "Diane",
            "Patrick",
        ],
        &[
            "Uwimana",
            "Mukamana",
            "Niyonzima",
            "Habimana",
            "Ingabire",
            "Mugabo",
            "Nshimiyimana",
            "Uwase",
        ],
    ),
    names(
        &[
            "Thandiwe", "Nomvula", "Lerato", "Naledi", "Palesa", "Sipho", "Thabo", "Tendai",
            "Tatenda", "Kagiso", "Tumelo", "Rudo", "Farai", "Neo",
        ],
        &[
            "Nkosi",
            "Dlamini",
            "Mokoena",
            "Ndlovu",
            "Moyo",
            "Sibanda",
            "Khumalo",
            "Molefe",
            "Mabaso",
            "Mhlanga",
            "Shikongo",
            "Chikwanha",
        ],
    ),
    names(
        &[
            "Marie-Claire",
            "Aurélie",
            "Brigitte",
            "Nadège",
            "Jean",
            "Serge",
            "Hervé",
            "Pierre",
            "Armand",
            "Carine",
        ],
        &[
            "Nkwenti", "Mbarga", "Fotso", "Tchoumi", "Ngono", "Essomba", "Kamga", "Njoya",
            "Atangana", "Mballa",
        ],
    ),
    names(
        &[
            "Maria",
            "Kristine",
            "Joanna",
            "Rowena",
            "Angelica",
            "Mary Grace",
            "Jose",
            "Mark",
            "John Paul",
            "Ramon",
            "Carlo",
            "Jerome",
            "Rhea",
            "Mariel",
        ],
        &[
            "Santos",
            "Reyes",
            "Cruz",
            "Bautista",
            "Garcia",
            "Mendoza",
            "Dela Cruz",
            "Villanueva",
            "Ramos",
            "Aquino",
            "Castillo",
            "Navarro",
            "Torres",
            "Flores",
        ],
    ),
    names(
        &[
            "Nur Aisyah",
            "Siti",
            "Nurul",
            "Farah",
            "Aminah",
            "Ahmad",
            "Hafiz",
            "Faizal",
            "Azlan",
            "Hakim",
            "Zulkifli",
            "Nabila",
        ],
        &[
            "Abdullah", "Ismail", "Rahman", "Hassan", "Yusof", "Ibrahim", "Osman", "Hamid", "Aziz",
            "Salleh",
        ],
    ),
    names_family_first(
        &[
            "Wei Ling", "Mei Ling", "Hui Min", "Jia Hui", "Xin Yi", "Jun Jie", "Wei Ming",
            "Zhi Hao", "Kai Wen", "Li Na",
        ],
        &[
            "Tan", "Lim", "Lee", "Ng", "Wong", "Chan", "Goh", "Teo", "Chua", "Koh",
        ],
    ),
    names(
        &[
            "Dewi", "Sri", "Putri", "Ayu", "Rina", "Budi", "Agus", "Eko", "Dimas", "Rizki",
            "Wahyu", "Indah",
        ],
        &[
            "Santoso", "Wijaya", "Pratama", "Kusuma", "Hidayat", "Saputra", "Nugroho", "Siregar",
            "Lestari", "Setiawan",
        ],
    ),
    names(
        &[
            "Yuki", "Aiko", "Haruka", "Naoko", "Emi", "Sakura", "Hiroshi", "Takeshi", "Kenji",
            "Daisuke", "Ryo", "Akira",
        ],
        &[
            "Sato",
            "Suzuki",
            "Takahashi",
            "Tanaka",
            "Watanabe",
            "Ito",
            "Yamamoto",
            "Nakamura",
            "Kobayashi",
            "Kato",
        ],
    ),
    names_family_first(
        &[
            "Ji-yeon",
            "Seo-yeon",
            "Min-ji",
            "Hye-jin",
            "Su-bin",
            "Min-jun",
            "Ji-hoon",
            "Hyun-woo",
            "Sung-min",
            "Dong-hyun",
        ],
        &[
            "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim",
        ],
    ),
    names_family_first(
        &[
            "Thi Lan",
            "Thi Huong",
            "Thi Mai",
            "Ngoc Anh",
            "Minh Anh",
            "Van Nam",
            "Van Hung",
            "Duc Minh",
            "Quang Huy",
            "Thu Trang",
        ],
        &[
            "Nguyen", "Tran", "Le", "Pham", "Hoang", "Huynh", "Phan", "Vu", "Vo", "Dang",
        ],
    ),
    names(
        &[
            "Siriporn",
            "Kanya",
            "Nattaya",
            "Pimchanok",
            "Somchai",
            "Anan",
            "Kittisak",
            "Thanawat",
            "Malee",
            "Suda",
        ],
        &[
            "Srisuk",
            "Wongsa",
            "Chaiyaporn",
            "Saelim",
            "Rattanakul",
            "Boonmee",
            "Kaewkla",
            "Thongchai",
            "Phromma",
            "Somboon",
        ],
    ),
    names(
        &[
            "Fatima", "Mariam", "Noor", "Layla", "Huda", "Rania", "Dina", "Omar", "Khaled",
            "Ahmed", "Youssef", "Tariq", "Hassan", "Samir", "Rana", "Lina",
        ],
        &[
            "Haddad",
            "Khalil",
            "Saleh",
            "Nasser",
            "Hassan",
            "Ibrahim",
            "Mahmoud",
            "Aziz",
            "Farouk",
            "Abdelrahman",
            "El-Sayed",
            "Khoury",
            "Mansour",
            "Jaber",
            "Al-Mansouri",
            "Al-Qahtani",
        ],
    ),
    names(
        &[
            "Fatima Zahra",
            "Khadija",
            "Salma",
            "Imane",
            "Youssef",
            "Mehdi",
            "Hamza",
            "Karim",
            "Soukaina",
            "Rachid",
        ],
        &[
            "Benali",
            "El Amrani",
            "Alaoui",
            "Bennani",
            "Tazi",
            "Idrissi",
            "Chraibi",
            "Berrada",
            "Ouazzani",
            "Fassi",
        ],
    ),
    names(
        &[
            "Ayşe", "Elif", "Zeynep", "Fatma", "Emine", "Mehmet", "Mustafa", "Ahmet", "Emre",
            "Burak", "Can", "Deniz",
        ],
        &[
            "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Öztürk", "Arslan",
            "Doğan",
        ],
    ),
    names(
        &[
            "Maria", "Eleni", "Katerina", "Sofia", "Georgia", "Dimitris", "Giorgos", "Nikos",
            "Kostas", "Yannis",
        ],
        &[
            "Georgiou",
            "Nikolaou",
            "Ioannou",
            "Christodoulou",
            "Konstantinou",
            "Dimitriou",
            "Papadakis",
            "Antoniou",
        ],
    ),
    names(
        &[
            "Anna",
            "Laura",
            "Katharina",
            "Julia",
            "Lena",
            "Sabine",
            "Lukas",
            "Felix",
            "Jonas",
            "Tobias",
            "Stefan",
            "Jan",
        ],
        &[
            "Müller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "Meyer",
            "Wagner",
            "Becker",
            "Hoffmann",
            "Schulz",
        ],
    ),
    names(
        &[
            "Sanne", "Anouk", "Femke", "Lotte", "Eva", "Daan", "Bram", "Sem", "Thijs", "Joost",
            "Pieter",
        ],
        &[
            "de Jong",
            "Jansen",
            "de Vries",
            "van den Berg",
            "van Dijk",
            "Bakker",
            "Visser",
            "Smit",
            "Meijer",
            "de Boer",
        ],
    ),
    names(
        &[
            "Elin", "Ingrid", "Karin", "Maja", "Astrid", "Erik", "Lars", "Anders", "Johan", "Nils",
        ],
        &[
            "Andersson",
            "Johansson",
            "Karlsson",
            "Nilsson",
            "Eriksson",
            "Larsson",
            "Lindqvist",
            "Berg",
        ],
    ),
    names(
        &[
            "Ingrid", "Kari", "Silje", "Ingeborg", "Ola", "Håkon", "Magnus", "Sindre",
        ],
        &[
            "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Berg", "Haugen", "Bakke",
        ],
    ),
    names(
        &[
            "Mette", "Freja", "Sofie", "Ida", "Mads", "Rasmus", "Søren", "Jesper",
        ],
        &[
            "Nielsen",
            "Jensen",
            "Hansen",
            "Pedersen",
            "Andersen",
            "Christensen",
            "Larsen",
            "Sørensen",
        ],
    ),
    names(
        &[
            "Aino", "Helmi", "Sanna", "Johanna", "Laura", "Mikko", "Juha", "Antti", "Ville",
            "Matti",
        ],
        &[
            "Korhonen",
            "Virtanen",
            "Mäkinen",
            "Nieminen",
            "Mäkelä",
            "Hämäläinen",
            "Laine",
            "Heikkinen",
            "Koskinen",
            "Järvinen",
        ],
    ),
    names(
        &[
            "Giulia",
            "Francesca",
            "Chiara",
            "Sara",
            "Elena",
            "Marco",
            "Luca",
            "Alessandro",
            "Matteo",
            "Davide",
        ],
        &[
            "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
            "Marino", "Greco",
        ],
    ),
    names(
        &[
            "María",
            "Lucía",
            "Carmen",
            "Laura",
            "Ana",
            "Sofía",
            "Valentina",
            "Camila",
            "Javier",
            "Carlos",
            "Alejandro",
            "Diego",
            "Andrés",
            "Juan",
            "Miguel",
            "Pablo",
        ],
        &[
            "García",
            "Rodríguez",
            "Martínez",
            "López",
            "González",
            "Hernández",
            "Pérez",
            "Sánchez",
            "Ramírez",
            "Torres",
            "Flores",
            "Díaz",
            "Morales",
            "Vargas",
            "Castro",
            "Rojas",
        ],
    ),
    names(
        &[
            "Ana", "Juliana", "Fernanda", "Camila", "Beatriz", "Larissa", "João", "Pedro", "Lucas",
            "Rafael", "Gabriel", "Thiago",
        ],
        &[
            "Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Costa", "Ferreira",
            "Almeida", "Carvalho", "Ribeiro", "Gomes",
        ],
    ),
    names(
        &[
            "Anna",
            "Katarzyna",
            "Magdalena",
            "Agnieszka",
            "Joanna",
            "Piotr",
            "Tomasz",
            "Paweł",
            "Michał",
            "Krzysztof",
        ],
        &[
            "Nowak",
            "Wójcik",
            "Kowalczyk",
            "Woźniak",
            "Mazur",
            "Krawczyk",
            "Zając",
            "Król",
            "Wróbel",
            "Dudek",
        ],
    ),
    names(
        &[
            "Ana", "Ivana", "Marija", "Petra", "Maja", "Ivan", "Marko", "Luka", "Tomislav", "Josip",
        ],
        &[
            "Horvat",
            "Kovačević",
            "Babić",
            "Marić",
            "Jurić",
            "Novak",
            "Knežević",
            "Vuković",
            "Matić",
            "Perić",
        ],
    ),
    names(
        &[
            "Olena",
            "Iryna",
            "Oksana",
            "Nataliia",
            "Yuliia",
            "Andrii",
            "Oleksandr",
            "Dmytro",
            "Serhii",
            "Taras",
        ],
        &[
            "Shevchenko",
            "Kovalenko",
            "Bondarenko",
            "Tkachenko",
            "Kravchenko",
            "Melnyk",
            "Boiko",
            "Moroz",
            "Lysenko",
            "Savchenko",
        ],
    ),
    names(
        &[
            "Mere", "Salote", "Litia", "Ana", "Losana", "Jone", "Sevuloni", "Viliame", "Isoa",
            "Semi",
        ],
        &[
            "Naivalu",
            "Vakaloloma",
            "Ravuvu",
            "Naisoro",
            "Tabua",
            "Delana",
            "Bulai",
            "Waqa",
        ],
    ),
    names(
        &[
            "Kila", "Nancy", "Grace", "Ruth", "Michael", "Peter", "John", "Kaia",
        ],
        &[
            "Kaupa", "Kuman", "Wari", "Lowa", "Taim", "Aisi", "Mond", "Yawi",
        ],
    ),
    names(
        &[
            "Shanice",
            "Tamika",
            "Kerry-Ann",
            "Keisha",
            "Andre",
            "Dwayne",
            "Ricardo",
            "Marlon",
            "Nadine",
            "Rohan",
            "Kimberly",
            "Devon",
        ],
        &[
            "Brown", "Campbell", "Williams", "Thomas", "Grant", "Francis", "Henry", "Richards",
            "Ramsaran", "Mohammed", "Persad", "Ali",
        ],
    ),
    names(
        &[
            "Annelie", "Marike", "Elsabé", "Karin", "Johan", "Pieter", "Willem", "Hendrik",
        ],
        &[
            "van der Merwe",
            "Botha",
            "Pretorius",
            "Nel",
            "du Plessis",
            "Venter",
            "Steyn",
            "Coetzee",
        ],
    ),
];

/// The 60 countries of the demo, largest first. The order sets the sizes: Australia, the
/// United States and the United Kingdom lead as they did in the real network, and every
/// region of the world has countries in the tail.
static SPECS: [CountrySpec; 60] = [
    CountrySpec {
        code: "AU",
        names: &[
            (ANGLO, 80),
            (CHINESE, 6),
            (INDIAN, 6),
            (VIETNAMESE, 4),
            (GREEK, 4),
        ],
        cities: &[
            ("Sydney", "Australia/Sydney"),
            ("Melbourne", "Australia/Melbourne"),
            ("Brisbane", "Australia/Brisbane"),
            ("Perth", "Australia/Perth"),
            ("Adelaide", "Australia/Adelaide"),
            ("Canberra", "Australia/Sydney"),
            ("Hobart", "Australia/Hobart"),
            ("Darwin", "Australia/Darwin"),
        ],
        local: &[],
        local_share: 15,
    },
    CountrySpec {
        code: "US",
        names: &[
            (ANGLO, 70),
            (HISPANIC, 14),
            (CHINESE, 5),
            (INDIAN, 5),
            (CARIBBEAN, 6),
        ],
        cities: &[
            ("New York", "America/New_York"),
            ("Chicago", "America/Chicago"),
            ("Los Angeles", "America/Los_Angeles"),
            ("Boston", "America/New_York"),
            ("Seattle", "America/Los_Angeles"),
            ("Houston", "America/Chicago"),
            ("Denver", "America/Denver"),
            ("Atlanta", "America/New_York"),
            ("Phoenix", "America/Phoenix"),
            ("Honolulu", "Pacific/Honolulu"),
        ],
        local: &["es"],
        local_share: 15,
    },
    CountrySpec {
        code: "GB",
        names: &[(ANGLO, 82), (INDIAN, 6), (PAKISTANI, 6), (IRISH, 6)],
        cities: &[
            ("London", "Europe/London"),
            ("Manchester", "Europe/London"),
            ("Edinburgh", "Europe/London"),
            ("Birmingham", "Europe/London"),
            ("Cardiff", "Europe/London"),
            ("Glasgow", "Europe/London"),
            ("Belfast", "Europe/London"),
            ("Leeds", "Europe/London"),
        ],
        local: &[],
        local_share: 10,
    },
    CountrySpec {
        code: "IN",
        names: &[(INDIAN, 1)],
        cities: &[
            ("Delhi", "Asia/Kolkata"),
            ("Mumbai", "Asia/Kolkata"),
            ("Bengaluru", "Asia/Kolkata"),
            ("Chennai", "Asia/Kolkata"),
            ("Kolkata", "Asia/Kolkata"),
            ("Hyderabad", "Asia/Kolkata"),
            ("Pune", "Asia/Kolkata"),
        ],
        local: &["hi", "ta", "bn", "te", "mr", "kn", "ml"],
        local_share: 95,
    },
    CountrySpec {
        code: "NG",
        names: &[(NIGERIAN, 1)],
        cities: &[
            ("Lagos", "Africa/Lagos"),
            ("Abuja", "Africa/Lagos"),
            ("Ibadan", "Africa/Lagos"),
            ("Enugu", "Africa/Lagos"),
            ("Kano", "Africa/Lagos"),
            ("Port Harcourt", "Africa/Lagos"),
        ],
        local: &["yo", "ig", "ha"],
        local_share: 85,
    },
    CountrySpec {
        code: "PH",
        names: &[(FILIPINO, 1)],
        cities: &[
            ("Manila", "Asia/Manila"),
            ("Quezon City", "Asia/Manila"),
            ("Cebu City", "Asia/Manila"),
            ("Davao City", "Asia/Manila"),
            ("Iloilo City", "Asia/Manila"),
        ],
        local: &["tl"],
        local_share: 90,
    },
    CountrySpec {
        code: "CA",
        names: &[(ANGLO, 66), (QUEBEC, 22), (CHINESE, 6), (INDIAN, 6)],
        cities: &[
            ("Toronto", "America/Toronto"),
            ("Montreal", "America/Toronto"),
            ("Vancouver", "America/Vancouver"),
            ("Ottawa", "America/Toronto"),
            ("Calgary", "America/Edmonton"),
            ("Edmonton", "America/Edmonton"),
            ("Winnipeg", "America/Winnipeg"),
            ("Halifax", "America/Halifax"),
            ("Regina", "America/Regina"),
        ],
        local: &["fr"],
        local_share: 30,
    },
    CountrySpec {
        code: "NZ",
        names: &[(ANGLO, 80), (MAORI, 15), (CHINESE, 5)],
        cities: &[
            ("Auckland", "Pacific/Auckland"),
            ("Wellington", "Pacific/Auckland"),
            ("Christchurch", "Pacific/Auckland"),
            ("Hamilton", "Pacific/Auckland"),
            ("Dunedin", "Pacific/Auckland"),
        ],
        local: &["mi"],
        local_share: 12,
    },
    CountrySpec {
        code: "ZA",
        names: &[(SOUTHERN_AFRICAN, 65), (AFRIKANER, 20), (ANGLO, 15)],
        cities: &[
            ("Johannesburg", "Africa/Johannesburg"),
            ("Cape Town", "Africa/Johannesburg"),
            ("Durban", "Africa/Johannesburg"),
            ("Pretoria", "Africa/Johannesburg"),
        ],
        local: &["zu", "af", "xh", "st"],
        local_share: 75,
    },
    CountrySpec {
        code: "KE",
        names: &[(EAST_AFRICAN, 1)],
        cities: &[
            ("Nairobi", "Africa/Nairobi"),
            ("Mombasa", "Africa/Nairobi"),
            ("Kisumu", "Africa/Nairobi"),
            ("Eldoret", "Africa/Nairobi"),
        ],
        local: &["sw"],
        local_share: 90,
    },
    CountrySpec {
        code: "IE",
        names: &[(IRISH, 85), (ANGLO, 15)],
        cities: &[
            ("Dublin", "Europe/Dublin"),
            ("Cork", "Europe/Dublin"),
            ("Galway", "Europe/Dublin"),
            ("Limerick", "Europe/Dublin"),
        ],
        local: &["ga"],
        local_share: 25,
    },
    CountrySpec {
        code: "MY",
        names: &[(MALAY, 55), (CHINESE, 30), (INDIAN, 15)],
        cities: &[
            ("Kuala Lumpur", "Asia/Kuala_Lumpur"),
            ("George Town", "Asia/Kuala_Lumpur"),
            ("Johor Bahru", "Asia/Kuala_Lumpur"),
            ("Kuching", "Asia/Kuching"),
            ("Kota Kinabalu", "Asia/Kuching"),
        ],
        local: &["ms", "zh", "ta"],
        local_share: 95,
    },
    CountrySpec {
        code: "SG",
        names: &[(CHINESE, 70), (MALAY, 16), (INDIAN, 14)],
        cities: &[("Singapore", "Asia/Singapore")],
        local: &["zh", "ms", "ta"],
        local_share: 80,
    },
    CountrySpec {
        code: "PK",
        names: &[(PAKISTANI, 1)],
        cities: &[
            ("Lahore", "Asia/Karachi"),
            ("Karachi", "Asia/Karachi"),
            ("Islamabad", "Asia/Karachi"),
            ("Peshawar", "Asia/Karachi"),
        ],
        local: &["ur", "pa"],
        local_share: 95,
    },
    CountrySpec {
        code: "GH",
        names: &[(GHANAIAN, 1)],
        cities: &[
            ("Accra", "Africa/Accra"),
            ("Kumasi", "Africa/Accra"),
            ("Cape Coast", "Africa/Accra"),
            ("Tamale", "Africa/Accra"),
        ],
        local: &["ak", "ee"],
        local_share: 80,
    },
    CountrySpec {
        code: "UG",
        names: &[(EAST_AFRICAN, 1)],
        cities: &[
            ("Kampala", "Africa/Kampala"),
            ("Gulu", "Africa/Kampala"),
            ("Mbarara", "Africa/Kampala"),
        ],
        local: &["lg", "sw"],
        local_share: 80,
    },
    CountrySpec {
        code: "DE",
        names: &[(GERMAN, 90), (TURKISH, 10)],
        cities: &[
            ("Berlin", "Europe/Berlin"),
            ("Hamburg", "Europe/Berlin"),
            ("Munich", "Europe/Berlin"),
            ("Cologne", "Europe/Berlin"),
            ("Leipzig", "Europe/Berlin"),
            ("Frankfurt", "Europe/Berlin"),
        ],
        local: &["de"],
        local_share: 100,
    },
    CountrySpec {
        code: "NL",
        names: &[(DUTCH, 1)],
        cities: &[
            ("Amsterdam", "Europe/Amsterdam"),
            ("Rotterdam", "Europe/Amsterdam"),
            ("Utrecht", "Europe/Amsterdam"),
            ("The Hague", "Europe/Amsterdam"),
            ("Leiden", "Europe/Amsterdam"),
        ],
        local: &["nl"],
        local_share: 100,
    },
    CountrySpec {
        code: "BR",
        names: &[(BRAZILIAN, 1)],
        cities: &[
            ("São Paulo", "America/Sao_Paulo"),
            ("Rio de Janeiro", "America/Sao_Paulo"),
            ("Brasília", "America/Sao_Paulo"),
            ("Belo Horizonte", "America/Sao_Paulo"),
            ("Recife", "America/Recife"),
            ("Porto Alegre", "America/Sao_Paulo"),
            ("Manaus", "America/Manaus"),
        ],
        local: &["pt"],
        local_share: 100,
    },
    CountrySpec {
        code: "SE",
        names: &[(SWEDISH, 1)],
        cities: &[
            ("Stockholm", "Europe/Stockholm"),
            ("Gothenburg", "Europe/Stockholm"),
            ("Malmö", "Europe/Stockholm"),
            ("Uppsala", "Europe/Stockholm"),
        ],
        local: &["sv"],
        local_share: 100,
    },
    CountrySpec {
        code: "LK",
        names: &[(SRI_LANKAN, 1)],
        cities: &[
            ("Colombo", "Asia/Colombo"),
            ("Kandy", "Asia/Colombo"),
            ("Galle", "Asia/Colombo"),
            ("Jaffna", "Asia/Colombo"),
        ],
        local: &["si", "ta"],
        local_share: 95,
    },
    CountrySpec {
        code: "BD",
        names: &[(BANGLADESHI, 1)],
        cities: &[
            ("Dhaka", "Asia/Dhaka"),
            ("Chattogram", "Asia/Dhaka"),
            ("Khulna", "Asia/Dhaka"),
            ("Rajshahi", "Asia/Dhaka"),
        ],
        local: &["bn"],
        local_share: 100,
    },
    CountrySpec {
        code: "ES",
        names: &[(HISPANIC, 1)],
        cities: &[
            ("Madrid", "Europe/Madrid"),
            ("Barcelona", "Europe/Madrid"),
            ("Valencia", "Europe/Madrid"),
            ("Seville", "Europe/Madrid"),
            ("Bilbao", "Europe/Madrid"),
            ("Las Palmas", "Atlantic/Canary"),
        ],
        local: &["es", "ca", "eu", "gl"],
        local_share: 100,
    },
    CountrySpec {
        code: "MX",
        names: &[(HISPANIC, 1)],
        cities: &[
            ("Mexico City", "America/Mexico_City"),
            ("Guadalajara", "America/Mexico_City"),
            ("Monterrey", "America/Monterrey"),
            ("Puebla", "America/Mexico_City"),
            ("Tijuana", "America/Tijuana"),
            ("Mérida", "America/Merida"),
        ],
        local: &["es"],
        local_share: 100,
    },
    CountrySpec {
        code: "JM",
        names: &[(CARIBBEAN, 1)],
        cities: &[
            ("Kingston", "America/Jamaica"),
            ("Montego Bay", "America/Jamaica"),
            ("Mandeville", "America/Jamaica"),
        ],
        local: &[],
        local_share: 5,
    },
    CountrySpec {
        code: "TZ",
        names: &[(EAST_AFRICAN, 1)],
        cities: &[
            ("Dar es Salaam", "Africa/Dar_es_Salaam"),
            ("Dodoma", "Africa/Dar_es_Salaam"),
            ("Arusha", "Africa/Dar_es_Salaam"),
            ("Mwanza", "Africa/Dar_es_Salaam"),
        ],
        local: &["sw"],
        local_share: 100,
    },
    CountrySpec {
        code: "ZW",
        names: &[(SOUTHERN_AFRICAN, 1)],
        cities: &[
            ("Harare", "Africa/Harare"),
            ("Bulawayo", "Africa/Harare"),
            ("Mutare", "Africa/Harare"),
        ],
        local: &["sn", "nd"],
        local_share: 90,
    },
    CountrySpec {
        code: "IT",
        names: &[(ITALIAN, 1)],
        cities: &[
            ("Rome", "Europe/Rome"),
            ("Milan", "Europe/Rome"),
            ("Bologna", "Europe/Rome"),
            ("Florence", "Europe/Rome"),
            ("Naples", "Europe/Rome"),
            ("Turin", "Europe/Rome"),
        ],
        local: &["it"],
        local_share: 100,
    },
    CountrySpec {
        code: "FI",
        names: &[(FINNISH, 1)],
        cities: &[
            ("Helsinki", "Europe/Helsinki"),
            ("Tampere", "Europe/Helsinki"),
            ("Turku", "Europe/Helsinki"),
            ("Oulu", "Europe/Helsinki"),
        ],
        local: &["fi", "sv"],
        local_share: 100,
    },
    CountrySpec {
        code: "JP",
        names: &[(JAPANESE, 1)],
        cities: &[
            ("Tokyo", "Asia/Tokyo"),
            ("Osaka", "Asia/Tokyo"),
            ("Kyoto", "Asia/Tokyo"),
            ("Nagoya", "Asia/Tokyo"),
            ("Sapporo", "Asia/Tokyo"),
            ("Fukuoka", "Asia/Tokyo"),
        ],
        local: &["ja"],
        local_share: 100,
    },
    CountrySpec {
        code: "ID",
        names: &[(INDONESIAN, 1)],
        cities: &[
            ("Jakarta", "Asia/Jakarta"),
            ("Surabaya", "Asia/Jakarta"),
            ("Bandung", "Asia/Jakarta"),
            ("Yogyakarta", "Asia/Jakarta"),
            ("Makassar", "Asia/Makassar"),
            ("Jayapura", "Asia/Jayapura"),
        ],
        local: &["id", "jv"],
        local_share: 100,
    },
    CountrySpec {
        code: "AE",
        names: &[(ARABIC, 70), (INDIAN, 20), (FILIPINO, 10)],
        cities: &[
            ("Dubai", "Asia/Dubai"),
            ("Abu Dhabi", "Asia/Dubai"),
            ("Sharjah", "Asia/Dubai"),
        ],
        local: &["ar", "hi", "ur"],
        local_share: 90,
    },
    CountrySpec {
        code: "EG",
        names: &[(ARABIC, 1)],
        cities: &[
            ("Cairo", "Africa/Cairo"),
            ("Alexandria", "Africa/Cairo"),
            ("Giza", "Africa/Cairo"),
        ],
        local: &["ar"],
        local_share: 100,
    },
    CountrySpec {
        code: "NP",
        names: &[(NEPALI, 1)],
        cities: &[
            ("Kathmandu", "Asia/Kathmandu"),
            ("Pokhara", "Asia/Kathmandu"),
            ("Lalitpur", "Asia/Kathmandu"),
        ],
        local: &["ne"],
        local_share: 100,
    },
    CountrySpec {
        code: "FJ",
        names: &[(FIJIAN, 60), (INDIAN, 40)],
        cities: &[
            ("Suva", "Pacific/Fiji"),
            ("Lautoka", "Pacific/Fiji"),
            ("Nadi", "Pacific/Fiji"),
        ],
        local: &["fj", "hi"],
        local_share: 85,
    },
    CountrySpec {
        code: "TT",
        names: &[(CARIBBEAN, 1)],
        cities: &[
            ("Port of Spain", "America/Port_of_Spain"),
            ("San Fernando", "America/Port_of_Spain"),
            ("Arima", "America/Port_of_Spain"),
        ],
        local: &[],
        local_share: 5,
    },
    CountrySpec {
        code: "CO",
        names: &[(HISPANIC, 1)],
        cities: &[
            ("Bogotá", "America/Bogota"),
            ("Medellín", "America/Bogota"),
            ("Cali", "America/Bogota"),
            ("Barranquilla", "America/Bogota"),
        ],
        local: &["es"],
        local_share: 100,
    },
    CountrySpec {
        code: "AR",
        names: &[(HISPANIC, 85), (ITALIAN, 15)],
        cities: &[
            ("Buenos Aires", "America/Argentina/Buenos_Aires"),
            ("Córdoba", "America/Argentina/Cordoba"),
            ("Rosario", "America/Argentina/Cordoba"),
            ("Mendoza", "America/Argentina/Mendoza"),
        ],
        local: &["es"],
        local_share: 100,
    },
    CountrySpec {
        code: "CL",
        names: &[(HISPANIC, 1)],
        cities: &[
            ("Santiago", "America/Santiago"),
            ("Valparaíso", "America/Santiago"),
            ("Concepción", "America/Santiago"),
        ],
        local: &["es"],
        local_share: 100,
    },
    CountrySpec {
        code: "PL",
        names: &[(POLISH, 1)],
        cities: &[
            ("Warsaw", "Europe/Warsaw"),
            ("Kraków", "Europe/Warsaw"),
            ("Wrocław", "Europe/Warsaw"),
            ("Gdańsk", "Europe/Warsaw"),
            ("Poznań", "Europe/Warsaw"),
        ],
        local: &["pl"],
        local_share: 100,
    },
    CountrySpec {
        code: "GR",
        names: &[(GREEK, 1)],
        cities: &[
            ("Athens", "Europe/Athens"),
            ("Thessaloniki", "Europe/Athens"),
            ("Patras", "Europe/Athens"),
        ],
        local: &["el"],
        local_share: 100,
    },
    CountrySpec {
        code: "TR",
        names: &[(TURKISH, 1)],
        cities: &[
            ("Istanbul", "Europe/Istanbul"),
            ("Ankara", "Europe/Istanbul"),
            ("İzmir", "Europe/Istanbul"),
        ],
        local: &["tr"],
        local_share: 100,
    },
    CountrySpec {
        code: "KR",
        names: &[(KOREAN, 1)],
        cities: &[
            ("Seoul", "Asia/Seoul"),
            ("Busan", "Asia/Seoul"),
            ("Incheon", "Asia/Seoul"),
            ("Daejeon", "Asia/Seoul"),
        ],
        local: &["ko"],
        local_share: 100,
    },
    CountrySpec {
        code: "VN",
        names: &[(VIETNAMESE, 1)],
        cities: &[
            ("Ho Chi Minh City", "Asia/Ho_Chi_Minh"),
            ("Hanoi", "Asia/Ho_Chi_Minh"),
            ("Da Nang", "Asia/Ho_Chi_Minh"),
        ],
        local: &["vi"],
        local_share: 100,
    },
    CountrySpec {
        code: "TH",
        names: &[(THAI, 1)],
        cities: &[
            ("Bangkok", "Asia/Bangkok"),
            ("Chiang Mai", "Asia/Bangkok"),
            ("Khon Kaen", "Asia/Bangkok"),
        ],
        local: &["th"],
        local_share: 100,
    },
    CountrySpec {
        code: "ET",
        names: &[(ETHIOPIAN, 1)],
        cities: &[
            ("Addis Ababa", "Africa/Addis_Ababa"),
            ("Bahir Dar", "Africa/Addis_Ababa"),
            ("Mekelle", "Africa/Addis_Ababa"),
        ],
        local: &["am", "om"],
        local_share: 100,
    },
    CountrySpec {
        code: "RW",
        names: &[(RWANDAN, 1)],
        cities: &[("Kigali", "Africa/Kigali"), ("Huye", "Africa/Kigali")],
        local: &["rw", "fr"],
        local_share: 100,
    },
    CountrySpec {
        code: "BW",
        names: &[(SOUTHERN_AFRICAN, 1)],
        cities: &[
            ("Gaborone", "Africa/Gaborone"),
            ("Francistown", "Africa/Gaborone"),
        ],
        local: &["tn"],
        local_share: 90,
    },
    CountrySpec {
        code: "JO",
        names: &[(ARABIC, 1)],
        cities: &[("Amman", "Asia/Amman"), ("Irbid", "Asia/Amman")],
        local: &["ar"],
        local_share: 100,
    },
    CountrySpec {
        code: "LB",
        names: &[(ARABIC, 1)],
        cities: &[("Beirut", "Asia/Beirut"), ("Tripoli", "Asia/Beirut")],
        local: &["ar", "fr"],
        local_share: 100,
    },
    CountrySpec {
        code: "PG",
        names: &[(PAPUAN, 1)],
        cities: &[
            ("Port Moresby", "Pacific/Port_Moresby"),
            ("Lae", "Pacific/Port_Moresby"),
            ("Goroka", "Pacific/Port_Moresby"),
        ],
        local: &["ho"],
        local_share: 60,
    },
    CountrySpec {
        code: "NO",
        names: &[(NORWEGIAN, 1)],
        cities: &[
            ("Oslo", "Europe/Oslo"),
            ("Bergen", "Europe/Oslo"),
            ("Trondheim", "Europe/Oslo"),
            ("Tromsø", "Europe/Oslo"),
        ],
        local: &["nb", "nn"],
        local_share: 100,
    },
    CountrySpec {
        code: "DK",
        names: &[(DANISH, 1)],
        cities: &[
            ("Copenhagen", "Europe/Copenhagen"),
            ("Aarhus", "Europe/Copenhagen"),
            ("Odense", "Europe/Copenhagen"),
        ],
        local: &["da"],
        local_share: 100,
    },
    CountrySpec {
        code: "PE",
        names: &[(HISPANIC, 1)],
        cities: &[
            ("Lima", "America/Lima"),
            ("Arequipa", "America/Lima"),
            ("Cusco", "America/Lima"),
        ],
        local: &["es", "qu"],
        local_share: 100,
    },
    CountrySpec {
        code: "HR",
        names: &[(CROATIAN, 1)],
        cities: &[
            ("Zagreb", "Europe/Zagreb"),
            ("Split", "Europe/Zagreb"),
            ("Rijeka", "Europe/Zagreb"),
            ("Osijek", "Europe/Zagreb"),
        ],
        local: &["hr"],
        local_share: 100,
    },
    CountrySpec {
        code: "CM",
        names: &[(CAMEROONIAN, 1)],
        cities: &[
            ("Yaoundé", "Africa/Douala"),
            ("Douala", "Africa/Douala"),
            ("Buea", "Africa/Douala"),
        ],
        local: &["fr"],
        local_share: 90,
    },
    CountrySpec {
        code: "SA",
        names: &[(ARABIC, 1)],
        cities: &[
            ("Riyadh", "Asia/Riyadh"),
            ("Jeddah", "Asia/Riyadh"),
            ("Dammam", "Asia/Riyadh"),
        ],
        local: &["ar"],
        local_share: 100,
    },
    CountrySpec {
        code: "UA",
        names: &[(UKRAINIAN, 1)],
        cities: &[
            ("Kyiv", "Europe/Kyiv"),
            ("Lviv", "Europe/Kyiv"),
            ("Kharkiv", "Europe/Kyiv"),
            ("Odesa", "Europe/Kyiv"),
        ],
        local: &["uk"],
        local_share: 100,
    },
    CountrySpec {
        code: "MA",
        names: &[(MAGHREBI, 1)],
        cities: &[
            ("Rabat", "Africa/Casablanca"),
            ("Casablanca", "Africa/Casablanca"),
            ("Marrakesh", "Africa/Casablanca"),
            ("Fez", "Africa/Casablanca"),
        ],
        local: &["ar", "fr"],
        local_share: 100,
    },
    CountrySpec {
        code: "NA",
        names: &[(SOUTHERN_AFRICAN, 75), (AFRIKANER, 25)],
        cities: &[
            ("Windhoek", "Africa/Windhoek"),
            ("Swakopmund", "Africa/Windhoek"),
        ],
        local: &["ng", "af"],
        local_share: 80,
    },
];
