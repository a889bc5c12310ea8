"""The demo website's content: a solar energy company in English, with every string's Arabic
translation (cms.demo.seeder loads it)."""

# Every English string of the demo and its Arabic translation. Translation looks strings up
# here, so a string missing from this table stops the seeding instead of shipping English.
ARABIC = {
    # Announcement
    "Our battery storage park in Al Ain is now online.": "حديقة تخزين البطاريات في العين "
    "تعمل الآن.",
    "Read the story": "اقرأ القصة",
    # Menu
    "Home": "الرئيسية",
    "About us": "من نحن",
    "Our story": "قصتنا",
    "Our team": "فريقنا",
    "Services": "خدماتنا",
    "Solar farms": "المزارع الشمسية",
    "Rooftop systems": "أنظمة الأسطح",
    "Energy storage": "تخزين الطاقة",
    "Projects": "مشاريعنا",
    "News": "الأخبار",
    "Contact": "اتصل بنا",
    # Heroes
    "Clean power for a brighter region": "طاقة نظيفة لمنطقة أكثر إشراقًا",
    "We design, build and operate solar plants that power homes, businesses and cities "
    "across the Gulf.": "نصمّم محطات الطاقة الشمسية ونبنيها ونشغّلها لتزويد المنازل والشركات "
    "والمدن في منطقة الخليج بالطاقة.",
    "Explore our services": "اكتشف خدماتنا",
    "From rooftop to grid": "من السطح إلى الشبكة",
    "Rooftop systems that cut energy bills from the first month.": "أنظمة شمسية للأسطح تخفّض "
    "فواتير الكهرباء من الشهر الأول.",
    "Get a quote": "اطلب عرض سعر",
    "Storage that keeps the lights on": "تخزين يُبقي الأنوار مضاءة",
    "Battery storage that turns sunshine into power around the clock.": "بطاريات تخزين تحوّل "
    "أشعة الشمس إلى طاقة على مدار الساعة.",
    "See our projects": "شاهد مشاريعنا",
    # Hero images' alt texts
    "Solar farm at dusk": "مزرعة شمسية عند الغسق",
    "Rooftop panels over the city": "ألواح شمسية فوق أسطح المدينة",
    "Battery storage park at night": "حديقة تخزين البطاريات ليلًا",
    # Partners
    "Desert Grid Authority": "هيئة شبكة الصحراء",
    "Gulf Water & Power": "الخليج للمياه والطاقة",
    "Falcon Batteries": "فالكون للبطاريات",
    "Noor Engineering": "نور للهندسة",
    "Crescent Capital": "الهلال كابيتال",
    "Palm Logistics": "النخلة للخدمات اللوجستية",
    # Footer
    "Privacy policy": "سياسة الخصوصية",
    "Terms of use": "شروط الاستخدام",
    "Cookie policy": "سياسة ملفات تعريف الارتباط",
    "Legal": "قانوني",
    "Careers": "الوظائف",
    "Press": "المركز الإعلامي",
    "Contact us": "تواصل معنا",
    "Company": "الشركة",
    "LinkedIn": "لينكدإن",
    "X (Twitter)": "إكس (تويتر)",
    "Follow us": "تابعنا",
    # SEO
    "Oasis Energy": "واحة الطاقة",
    "Oasis Energy | Solar power for the Gulf": "واحة الطاقة | الطاقة الشمسية للخليج",
    "Oasis Energy designs, builds and operates solar and storage projects for homes, "
    "businesses and cities across the Gulf.": "تصمّم واحة الطاقة مشاريع الطاقة الشمسية وتخزين "
    "الطاقة وتبنيها وتشغّلها للمنازل والشركات والمدن في أنحاء الخليج.",
    "solar energy, renewable energy, battery storage, Gulf": "الطاقة الشمسية, الطاقة المتجددة, "
    "تخزين البطاريات, الخليج",
    # Home page
    "Oasis Energy – Clean solar power": "واحة الطاقة – طاقة شمسية نظيفة",
    "Solar farms, rooftop systems and energy storage across the Gulf.": "مزارع شمسية وأنظمة "
    "أسطح وتخزين للطاقة في أنحاء الخليج.",
    "Powering the Gulf with sunshine": "نمدّ الخليج بطاقة الشمس",
    "For fifteen years we have helped communities switch to clean, affordable solar power.": (
        "منذ خمسة عشر عامًا نساعد المجتمعات على التحول إلى طاقة شمسية نظيفة وميسورة التكلفة."
    ),
    "Our engineers deliver every project from the first survey to decades of operation.": (
        "يتولى مهندسونا كل مشروع من المسح الأول حتى عقود من التشغيل."
    ),
}

HOME_INTRO = [
    "For fifteen years we have helped communities switch to clean, affordable solar power.",
    "Our engineers deliver every project from the first survey to decades of operation.",
]

# (label, link: "home" for the home page or a route, children)
MENU = [
    ("Home", "home", []),
    ("About us", "/about", [("Our story", "/about/story"), ("Our team", "/about/team")]),
    (
        "Services",
        "/services",
        [
            ("Solar farms", "/services/solar-farms"),
            ("Rooftop systems", "/services/rooftop"),
            ("Energy storage", "/services/storage"),
        ],
    ),
    ("Projects", "/projects", []),
    ("News", "/news", []),
    ("Contact", "/contact", []),
]

# (title, description, button label, link, image title, hue)
HEROES = [
    (
        "Clean power for a brighter region",
        "We design, build and operate solar plants that power homes, businesses and cities "
        "across the Gulf.",
        "Explore our services",
        "/services",
        "Solar farm at dusk",
        0.08,
    ),
    (
        "From rooftop to grid",
        "Rooftop systems that cut energy bills from the first month.",
        "Get a quote",
        "/contact",
        "Rooftop panels over the city",
        0.55,
    ),
    (
        "Storage that keeps the lights on",
        "Battery storage that turns sunshine into power around the clock.",
        "See our projects",
        "/projects",
        "Battery storage park at night",
        0.72,
    ),
]

# (name, website, hue)
PARTNERS = [
    ("Desert Grid Authority", "https://desertgrid.example.com", 0.10),
    ("Gulf Water & Power", "https://gulfwaterpower.example.com", 0.58),
    ("Falcon Batteries", "https://falconbatteries.example.com", 0.00),
    ("Noor Engineering", "https://noor-engineering.example.com", 0.14),
    ("Crescent Capital", "https://crescentcapital.example.com", 0.80),
    ("Palm Logistics", "https://palmlogistics.example.com", 0.33),
]

# (key, label, group, link)
FOOTER = [
    ("privacy", "Privacy policy", "Legal", "/privacy"),
    ("terms", "Terms of use", "Legal", "/terms"),
    ("cookies", "Cookie policy", "Legal", "/cookies"),
    ("careers", "Careers", "Company", "/careers"),
    ("press", "Press", "Company", "/press"),
    ("contact", "Contact us", "Company", "/contact"),
    ("linkedin", "LinkedIn", "Follow us", "https://www.linkedin.com/company/oasis-energy"),
    ("x", "X (Twitter)", "Follow us", "https://x.com/oasisenergy"),
]

# (message, other fields)
ANNOUNCEMENT = (
    "Our battery storage park in Al Ain is now online.",
    {"tone": "success", "link_label": "Read the story", "link_url": "/news"},
)

SEO = {
    "site_name": "Oasis Energy",
    "default_title": "Oasis Energy | Solar power for the Gulf",
    "description": "Oasis Energy designs, builds and operates solar and storage projects for "
    "homes, businesses and cities across the Gulf.",
    "keywords": "solar energy, renewable energy, battery storage, Gulf",
}
