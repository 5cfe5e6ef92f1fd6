//! Name and place lists for synthetic records. Invented combinations; no real person or business.

/// Given names.
pub const FIRST: &[&str] = &[
    "Avery", "Jordan", "Maria", "James", "Aaliyah", "Luis", "Mei", "Darnell", "Sofia", "Ethan",
    "Keisha", "Omar", "Grace", "Tyrone", "Hannah", "Diego", "Priya", "Marcus", "Elena", "Samuel",
    "Fatima", "Noah", "Rosa", "Andre", "Lily", "Caleb", "Imani", "Victor", "Chloe", "Hector",
    "Naomi", "Isaac", "Jasmine", "Wei", "Camila", "Dmitri", "Zoe", "Malik", "Ana", "Patrick",
];

/// Family names.
pub const LAST: &[&str] = &[
    "Johnson",
    "Garcia",
    "Smith",
    "Nguyen",
    "Williams",
    "Rodriguez",
    "Brown",
    "Kowalski",
    "Jones",
    "Hernandez",
    "Miller",
    "Okafor",
    "Davis",
    "Lopez",
    "Wilson",
    "Patel",
    "Anderson",
    "Kim",
    "Thomas",
    "Martinez",
    "Jackson",
    "Novak",
    "White",
    "Gonzalez",
    "Harris",
    "Chen",
    "Clark",
    "Ramirez",
    "Lewis",
    "Washington",
    "Walker",
    "Nowak",
    "Young",
    "Rivera",
    "Allen",
    "Khan",
];

/// Illinois cities with a ZIP code in each.
pub const CITIES: &[(&str, &str)] = &[
    ("Chicago", "60612"),
    ("Springfield", "62701"),
    ("Peoria", "61602"),
    ("Rockford", "61101"),
    ("Champaign", "61820"),
    ("Joliet", "60432"),
    ("Aurora", "60505"),
    ("Decatur", "62521"),
    ("Carbondale", "62901"),
    ("Waukegan", "60085"),
    ("Elgin", "60120"),
    ("Moline", "61265"),
];

/// Street names.
pub const STREETS: &[&str] = &[
    "Main St",
    "Oak Ave",
    "Lincoln Hwy",
    "State St",
    "Prairie Rd",
    "Washington Blvd",
    "Elm St",
    "Lake Shore Dr",
    "Cedar Ln",
    "Madison Ave",
    "River Rd",
    "Grand Ave",
];

/// Words for agency and practice names.
pub const AGENCY_WORDS: &[&str] = &[
    "Prairie",
    "Lakeside",
    "Riverbend",
    "Heartland",
    "Northside",
    "Harbor",
    "Cornerstone",
    "New Horizons",
    "Bridgeway",
    "Pathways",
    "Summit",
    "Meadowlark",
    "Open Door",
    "Crossroads",
];

/// Other payers that may be primary to the plan (ELIG-04). Invented names.
pub const OTHER_PAYERS: &[(&str, &str)] = &[
    ("Prairie Mutual Health", "PMH01"),
    ("Lakeshore Benefit Trust", "LBT22"),
    ("Great Rivers Insurance", "GRI07"),
    ("Medicare Part B (synthetic)", "MCRB1"),
];

/// Other Medicaid plans members switch from and to (ELIG-02). Invented codes.
pub const OTHER_PLANS: &[&str] = &["RIVERCARE-IL", "LAKEHEALTH-IL"];
