"""A model answer for every exercise the curriculum ships, keyed by exercise key.

Each is what a careful learner would write after reading the module; a test holds every one
to the shipped exercise's validator and settings, so no shipped exercise asks for something
its checker refuses. The browser journey types some of them.
"""

MODEL_ANSWERS = {
    # 01 Meet the experts
    "invite-an-expert": {
        "message": "Hi Dr Okafor, we spoke in the break at the Riverside training day about "
        "answering common questions online. I'd like to stay in touch and learn from your "
        "work on patient education.",
    },
    # 02 Connect with peers
    "ask-your-peers": {
        "message": "Our surgical ward has started a public page, and relatives sometimes ask "
        "in the comments how a loved one is doing. We reply with the switchboard number, but "
        "it can feel cold. How do your wards answer these comments kindly without sharing "
        "anything about a patient?",
    },
    # 03 Enhance your skills
    "linkedin-profile": {
        "headline": "Registered Nurse | Cardiology | Patient education",
        "about": "I care for people with heart disease on a busy cardiology ward. I teach new "
        "nurses and share practical, evidence-based heart-health tips. Views are my own.",
        "role": "Registered Nurse",
        "specialty": "Cardiology",
    },
    "monitoring-triage": {
        "mentions": [
            {
                "action": "reply_public",
                "reply": "Yes! Walk-in flu shots run every Saturday 9am-12pm, no booking "
                "needed. Details: https://example.org/flu",
            },
            {
                "action": "private",
                "reply": "We're sorry to hear this. Please send us a direct message so we can "
                "look into it with you.",
            },
            {"action": "none", "reply": ""},
            {
                "action": "correct",
                "reply": "Our hospital is open and running on backup power; ambulances are "
                "arriving as normal. Latest updates: https://example.org/updates",
            },
            {
                "action": "reply_public",
                "reply": "Thank you for the kind words, we'll pass them on to the team!",
            },
            {"action": "escalate", "reply": ""},
            {"action": "none", "reply": ""},
            {"action": "none", "reply": ""},
        ]
    },
    # 04 Hands-on training
    "hashtag-post": {
        "text": "Flu shots are free this week at Riverside Clinic, for everyone over six "
        "months. Walk in Mon-Fri 8am-6pm or book online. #FluShot",
    },
    "page-setup": {
        "name": "Riverside Community Clinic",
        "category": "Medical & Health",
        "username": "riversideclinic",
        "about": "Family medicine, vaccinations and walk-in care for the Riverside community.",
        "website": "https://riverside-clinic.example.org",
        "phone": "+1 202-555-0143",
        "email": "info@riverside-clinic.example.org",
        "address": "12 Riverside Drive, Springfield, IL 62704",
        "hours": "Monday to Friday 8am-6pm; Saturday 9am-1pm",
        "call_to_action": "Book Now",
        "privacy_note": "For your privacy, never post medical details here. Message us "
        "privately or call 202-555-0143. In an emergency call 911.",
    },
    "health-service-ad": {
        "primary_text": "Free diabetes education classes at Riverside Clinic, Tuesdays at 6pm "
        "from May. Open to everyone.",
        "headline": "Free diabetes classes",
        "link_description": "Places are limited",
        "website": "https://example.org/diabetes-classes",
        "call_to_action": "Sign Up",
    },
    # 05 Ongoing support
    "invite-a-mentor": {
        "message": "Hi Priya, thank you for the social-media course last month. I'd like to "
        "stay in touch and, now and then, ask you about our ward's new page as we put the "
        "course into practice.",
    },
    # 06 Share information
    "flu-season-post": {
        "text": "Flu season is here. Get your flu vaccine, wash your hands often, cover coughs "
        "and sneezes, and stay home when ill. See a doctor if you have trouble breathing. Find "
        "a vaccine near you: https://www.cdc.gov/flu/ #FluSeason",
    },
    # 07 Train medical personnel
    "training-photo": {
        "caption": "Our emergency nurses practised airway skills on simulation manikins this "
        "week. Thanks to the education team for a great session! #NurseEducation",
        "consent": "written",
        "patients": "no",
        "screens": "no",
        "boards": "no",
        "paperwork": "no",
        "wristbands": "no",
        "badges": "no",
    },
    "training-video-listing": {
        "title": "Hand hygiene in six steps: how our staff wash their hands",
        "description": "Our infection-control nurse shows, on a training manikin, the steps "
        "every member of staff follows to clean their hands. Clean hands stop germs spreading "
        "between people. The steps follow https://www.cdc.gov/clean-hands/",
        "hashtags": "#HandHygiene #InfectionControl #Nursing",
    },
    # 08 Compare and improve care quality
    "review-reply": {
        "reply": "Thank you for taking the time to share this. We aim to see everyone on time "
        "and to treat everyone with courtesy, and we are sorry to hear we fell short. We would "
        "like to hear more: please call our practice manager on (202) 555-0143 or email "
        "feedback@example.org.",
    },
    # 09 Live updates
    "live-thread": {
        "posts": [
            "1/3 Our heart-health evening at Riverside Library has started: free blood-pressure "
            "checks until 8pm.",
            "2/3 Tip from tonight's speaker: have your blood pressure checked once a year.",
            "3/3 Thanks for coming! More on heart health: https://www.cdc.gov/heartdisease",
        ],
    },
    # 10 Crisis communication
    "crisis-update": {
        "text": "Our Main Street hospital emergency department is closed after a power outage. "
        "Please go to St Mary's ER on 5th Avenue, or call 911 in an emergency. Updates: "
        "https://example.org/updates",
    },
}


def form_data(answer: dict) -> dict:
    """What a browser sends for an answer: one input per field path (exercises.form_name)."""
    data = {}
    for name, value in answer.items():
        if isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    data |= {f"{name}-{i}-{k}": v for k, v in item.items()}
                else:
                    data[f"{name}-{i}"] = item
        else:
            data[name] = value
    return data
