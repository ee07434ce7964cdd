"""Every platform limit the validators use, in one place.

Marks: V verified in a primary source (named beside it), S secondary sources only (several
agree), U unverified (our own product constant). Platforms change
their rules: when one does, change it here and nowhere else.
"""

# --- X (Twitter) -------------------------------------------------------------------------
# Source: twitter-text config-v3.json (X's own parser). V
X_MAX_WEIGHTED_LENGTH = 280  # V
X_URL_WEIGHT = 23  # V: every URL, with or without scheme, weighs 23
X_WEIGHT_SCALE = 100  # V: weights below are divided by this
X_DEFAULT_WEIGHT = 200  # V: code points outside X_LIGHT_RANGES weigh 2
# V: (first, last, weight) code point ranges that weigh 1 instead of 2
X_LIGHT_RANGES = (
    (0x0000, 0x10FF, 100),
    (0x2000, 0x200D, 100),
    (0x2010, 0x201F, 100),
    (0x2032, 0x2037, 100),
)
X_EMOJI_WEIGHT_AS_ONE_SEQUENCE = True  # V: a whole emoji sequence weighs 2 (config v3)

# --- LinkedIn (no primary source found) ------------------------------------------------
# Source: secondary sources only (several agree); all S.
LINKEDIN_POST_MAX = 3000  # S
LINKEDIN_HEADLINE_MAX = 220  # S
LINKEDIN_ABOUT_MAX = 2600  # S
LINKEDIN_ABOUT_PREVIEW_MIN = 265  # S: about 265-320 characters show before "see more"
LINKEDIN_ABOUT_PREVIEW_MAX = 320  # S
LINKEDIN_ABOUT_PREVIEW_WARN = 300  # U: our threshold for the "see more" advice
LINKEDIN_ABOUT_MIN_SENTENCES = 2  # U: our teaching rule, not LinkedIn's

# --- Facebook ----------------------------------------------------------------------------
# Source: secondary sources (63,206 is widely quoted; no current primary page found). S
FACEBOOK_POST_MAX = 63206  # S
# Source: Facebook's Page name standards. Length itself: U
# ("75 characters is often quoted").
FACEBOOK_PAGE_NAME_MAX = 75  # U
FACEBOOK_PAGE_NAME_MAX_PARENTHESISED_WORDS = 2  # V
# Source: Facebook's username rules
FACEBOOK_USERNAME_MIN = 5  # V
FACEBOOK_USERNAME_MAX = 50  # S
# Source: Graph API Page field `about`
FACEBOOK_ABOUT_MAX = 100  # V
# Our own rule for what counts as "excessive capitals" in a Page name. U
FACEBOOK_PAGE_NAME_CAPS_WORD_MAX = 4  # U: an all-caps word longer than this must be an acronym
FACEBOOK_PAGE_NAME_CAPS_SHARE_MAX = 0.5  # U: more than half the letters capitals is an error

# --- Replies to patients' reviews ----------------------------------------------------------
# Source: Google Business Profile's reply limit, secondary sources. S
GOOGLE_REVIEW_REPLY_MAX = 4096  # S
# U: our advice; a public reply longer than this starts explaining what belongs offline.
REVIEW_REPLY_ADVISED_MAX = 700  # U

# --- Facebook and Instagram ads (Meta) -----------------------------------------------------
# Source: Meta's recommended ad text lengths (recommendations: warn, never reject).
FACEBOOK_AD_PRIMARY_TEXT_ADVISED = 125  # V: recommended, not a limit
FACEBOOK_AD_HEADLINE_ADVISED = 40  # V: recommended, not a limit
FACEBOOK_AD_LINK_DESCRIPTION_ADVISED = 30  # S: recommended, not a limit

# --- YouTube video listing ------------------------------------------------------------------
# Source: secondary sources on YouTube's video listing; all S.
YOUTUBE_TITLE_MAX = 100  # S
YOUTUBE_DESCRIPTION_MAX = 5000  # S
YOUTUBE_HASHTAGS_SHOWN = 3  # S: the first three of the description show above the title
YOUTUBE_HASHTAGS_IGNORED_OVER = 60  # S: more than this and YouTube ignores every hashtag
YOUTUBE_HASHTAGS_ADVISED_MAX = 15  # S: YouTube recommends 15 or fewer

# --- LinkedIn invitations -------------------------------------------------------------------
# Source: secondary sources on LinkedIn's invitation note. S
LINKEDIN_INVITATION_NOTE_MAX = 300  # S

# --- Exercises (our product constants) ----------------------------------------------------
# U: answers longer than this are not analysed further (keeps validators fast on junk).
ANSWER_MAX_CHARS = 100_000  # U
THREAD_MIN_POSTS = 3  # U: a thread of 3 to 10 posts
THREAD_MAX_POSTS = 10  # U
POST_DEFAULT_MIN_HASHTAGS = 1  # U
POST_DEFAULT_MAX_HASHTAGS = 3  # U
TRIAGE_MIN_MENTIONS = 3  # U: a monitoring feed shorter than this teaches little
OUTREACH_GROUP_POST_MIN_WORDS = 15  # U: a question to peers needs its context

#: Post length limit per platform, by the platform key used in exercise parameters.
POST_MAX_LENGTH = {
    "x": X_MAX_WEIGHTED_LENGTH,
    "linkedin": LINKEDIN_POST_MAX,
    "facebook": FACEBOOK_POST_MAX,
}

PLATFORMS = tuple(POST_MAX_LENGTH)
PLATFORM_LABELS = {"x": "X (Twitter)", "linkedin": "LinkedIn", "facebook": "Facebook"}
