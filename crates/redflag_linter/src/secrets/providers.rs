//! Provider credential formats.
//!
//! Each format has literal anchors (found by the file's one multi-pattern
//! pass), the token's shape (a regex run only in a bounded window around an
//! anchor), and where the format allows it a validator. A token that fails
//! its validator is not reported as that provider. The facts come from
//! `SECRET-FORMATS.md`; every pattern here is written for redflag.

use std::sync::OnceLock;

use regex::Regex;

use super::checksums;
use super::randomness::looks_generated;
use super::{ceil_boundary, floor_boundary};

/// How a match is validated beyond its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Shape only; the part after the fixed prefix must look random.
    Random,
    /// Shape only (structured tokens whose body is not uniformly random).
    Shape,
    /// GitHub/npm base62 CRC-32.
    GithubCrc,
    /// GitLab: legacy 20-character tokens by shape, routable ones by CRC.
    Gitlab,
    Grafana,
    Atlassian,
    Age,
    Jwt,
    /// The part after the prefix (or the whole token) is base64 of JSON.
    Base64Json,
}

/// One credential format.
#[derive(Debug, Clone)]
pub struct Provider {
    pub id: &'static str,
    /// Shown in messages: "GitHub personal access token".
    pub name: &'static str,
    /// Exact-case literals one of which every token contains.
    pub anchors: &'static [&'static str],
    /// Characters a token may start before its anchor (0: at the anchor).
    pub lead: usize,
    /// The token, from its first character.
    pub pattern: &'static str,
    /// The longest token the pattern can match.
    pub max_len: usize,
    pub check: Check,
    /// Test-mode keys (Stripe `sk_test_`): reported as warnings.
    pub test_key: bool,
}

macro_rules! provider {
    ($id:expr, $name:expr, [$($anchor:expr),+], $lead:expr, $pattern:expr, $max:expr, $check:ident) => {
        Provider { id: $id, name: $name, anchors: &[$($anchor),+], lead: $lead, pattern: $pattern, max_len: $max, check: Check::$check, test_key: false }
    };
    ($id:expr, $name:expr, [$($anchor:expr),+], $lead:expr, $pattern:expr, $max:expr, $check:ident, test) => {
        Provider { id: $id, name: $name, anchors: &[$($anchor),+], lead: $lead, pattern: $pattern, max_len: $max, check: Check::$check, test_key: true }
    };
}

/// Every supported format.
pub static PROVIDERS: &[Provider] = &[
    // Cloud platforms
    provider!(
        "aws-access-key-id",
        "AWS access key ID",
        ["AKIA", "ASIA", "ABIA", "ACCA"],
        0,
        r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}",
        20,
        Random
    ),
    provider!(
        "aws-bedrock-api-key",
        "AWS Bedrock API key",
        ["ABSK"],
        0,
        r"ABSK[A-Za-z0-9+/]{108,268}={0,2}",
        274,
        Random
    ),
    provider!(
        "google-api-key",
        "Google API key",
        ["AIza"],
        0,
        r"AIza[0-9A-Za-z_-]{35}",
        39,
        Random
    ),
    provider!(
        "google-oauth-client-secret",
        "Google OAuth client secret",
        ["GOCSPX-"],
        0,
        r"GOCSPX-[0-9A-Za-z_-]{28}",
        35,
        Random
    ),
    provider!(
        "google-oauth-access-token",
        "Google OAuth access token",
        ["ya29."],
        0,
        r"ya29\.[0-9A-Za-z_-]{30,400}",
        405,
        Random
    ),
    provider!(
        "google-oauth-refresh-token",
        "Google OAuth refresh token",
        ["1//0"],
        0,
        r"1//0[0-9A-Za-z_-]{40,200}",
        204,
        Random
    ),
    provider!(
        "firebase-cloud-messaging-key",
        "Firebase Cloud Messaging server key",
        [":APA91b"],
        12,
        r"AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{134}",
        152,
        Shape
    ),
    provider!(
        "azure-storage-account-key",
        "Azure storage account key",
        ["AccountKey="],
        0,
        r"AccountKey=[A-Za-z0-9+/]{86}==",
        99,
        Random
    ),
    provider!(
        "azure-entra-client-secret",
        "Azure Entra ID client secret",
        ["Q~"],
        4,
        r"[A-Za-z0-9_.~-]{4}Q~[A-Za-z0-9_~.-]{31,34}",
        40,
        Random
    ),
    provider!(
        "azure-devops-pat",
        "Azure DevOps personal access token",
        ["AZDO"],
        76,
        r"[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4}",
        84,
        Shape
    ),
    provider!(
        "alibaba-access-key-id",
        "Alibaba Cloud AccessKey ID",
        ["LTAI"],
        0,
        r"LTAI[A-Za-z0-9]{12,20}",
        24,
        Random
    ),
    provider!(
        "digitalocean-pat",
        "DigitalOcean personal access token",
        ["dop_v1_"],
        0,
        r"dop_v1_[a-f0-9]{64}",
        71,
        Random
    ),
    provider!(
        "digitalocean-oauth-token",
        "DigitalOcean OAuth token",
        ["doo_v1_"],
        0,
        r"doo_v1_[a-f0-9]{64}",
        71,
        Random
    ),
    provider!(
        "digitalocean-refresh-token",
        "DigitalOcean refresh token",
        ["dor_v1_"],
        0,
        r"dor_v1_[a-f0-9]{64}",
        71,
        Random
    ),
    provider!(
        "heroku-api-key",
        "Heroku API key",
        ["HRKU-AA"],
        0,
        r"HRKU-AA[0-9A-Za-z_-]{58}",
        65,
        Random
    ),
    provider!(
        "cloudflare-origin-ca-key",
        "Cloudflare Origin CA key",
        ["v1.0-"],
        0,
        r"v1\.0-[a-f0-9]{24}-[a-f0-9]{146}",
        176,
        Random
    ),
    provider!(
        "hashicorp-vault-service-token",
        "HashiCorp Vault service token",
        ["hvs."],
        0,
        r"hvs\.[A-Za-z0-9_-]{90,120}",
        124,
        Random
    ),
    provider!(
        "hashicorp-vault-batch-token",
        "HashiCorp Vault batch token",
        ["hvb."],
        0,
        r"hvb\.[A-Za-z0-9_-]{138,300}",
        304,
        Random
    ),
    provider!(
        "terraform-cloud-token",
        "Terraform Cloud API token",
        [".atlasv1."],
        14,
        r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_-]{60,70}",
        93,
        Random
    ),
    provider!(
        "databricks-pat",
        "Databricks personal access token",
        ["dapi"],
        0,
        r"dapi[a-f0-9]{32}(?:-[0-9])?",
        38,
        Random
    ),
    provider!(
        "doppler-personal-token",
        "Doppler personal token",
        ["dp.pt."],
        0,
        r"dp\.pt\.[A-Za-z0-9]{43}",
        49,
        Random
    ),
    provider!(
        "doppler-service-token",
        "Doppler service token",
        ["dp.st."],
        0,
        r"dp\.st\.(?:[a-z0-9_-]{2,35}\.)?[A-Za-z0-9]{40,44}",
        86,
        Random
    ),
    provider!(
        "doppler-service-account-token",
        "Doppler service account token",
        ["dp.sa."],
        0,
        r"dp\.sa\.[A-Za-z0-9]{40,44}",
        50,
        Random
    ),
    provider!(
        "openshift-user-token",
        "OpenShift user token",
        ["sha256~"],
        0,
        r"sha256~[A-Za-z0-9_-]{43}",
        50,
        Random
    ),
    // Source hosting and CI
    provider!(
        "github-pat",
        "GitHub personal access token",
        ["ghp_"],
        0,
        r"ghp_[A-Za-z0-9]{36}",
        40,
        GithubCrc
    ),
    provider!(
        "github-oauth-token",
        "GitHub OAuth access token",
        ["gho_"],
        0,
        r"gho_[A-Za-z0-9]{36}",
        40,
        GithubCrc
    ),
    provider!(
        "github-user-to-server-token",
        "GitHub user-to-server token",
        ["ghu_"],
        0,
        r"ghu_[A-Za-z0-9]{36}",
        40,
        GithubCrc
    ),
    provider!(
        "github-server-to-server-token",
        "GitHub server-to-server token",
        ["ghs_"],
        0,
        r"ghs_[A-Za-z0-9]{36}",
        40,
        GithubCrc
    ),
    provider!(
        "github-refresh-token",
        "GitHub refresh token",
        ["ghr_"],
        0,
        r"ghr_[A-Za-z0-9]{36}",
        40,
        GithubCrc
    ),
    provider!(
        "github-fine-grained-pat",
        "GitHub fine-grained personal access token",
        ["github_pat_"],
        0,
        r"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}",
        93,
        Random
    ),
    provider!(
        "gitlab-pat",
        "GitLab personal access token",
        ["glpat-"],
        0,
        r"glpat-[0-9A-Za-z_-]{20,300}(?:\.[0-9a-z]{2})?(?:\.[0-9a-z]{9})?",
        330,
        Gitlab
    ),
    provider!(
        "gitlab-runner-token",
        "GitLab runner authentication token",
        ["glrt-"],
        0,
        r"glrt-[0-9A-Za-z_-]{20,300}(?:\.[0-9a-z]{2})?(?:\.[0-9a-z]{9})?",
        330,
        Gitlab
    ),
    provider!(
        "gitlab-pipeline-trigger-token",
        "GitLab pipeline trigger token",
        ["glptt-"],
        0,
        r"glptt-[a-f0-9]{40}",
        46,
        Random
    ),
    provider!(
        "gitlab-deploy-token",
        "GitLab deploy token",
        ["gldt-"],
        0,
        r"gldt-[0-9A-Za-z_-]{20}",
        25,
        Random
    ),
    provider!(
        "gitlab-oauth-app-secret",
        "GitLab OAuth application secret",
        ["gloas-"],
        0,
        r"gloas-[0-9A-Za-z_-]{64}",
        70,
        Random
    ),
    provider!(
        "gitlab-runner-registration-token",
        "GitLab runner registration token",
        ["GR1348941"],
        0,
        r"GR1348941[0-9A-Za-z_-]{20}",
        29,
        Random
    ),
    provider!(
        "atlassian-api-token",
        "Atlassian API token",
        ["ATATT3xFfGF0"],
        0,
        r"ATATT3xFfGF0[A-Za-z0-9_=-]{100,400}[A-F0-9]{8}",
        420,
        Atlassian
    ),
    provider!(
        "bitbucket-app-password",
        "Bitbucket app password",
        ["ATBB"],
        0,
        r"ATBB[A-Za-z0-9]{32}",
        36,
        Random
    ),
    provider!(
        "sonarqube-token",
        "SonarQube token",
        ["squ_", "sqp_", "sqa_"],
        0,
        r"sq[upa]_[a-f0-9]{40}",
        44,
        Random
    ),
    // Package registries
    provider!(
        "npm-access-token",
        "npm access token",
        ["npm_"],
        0,
        r"npm_[A-Za-z0-9]{36}",
        40,
        GithubCrc
    ),
    provider!(
        "pypi-upload-token",
        "PyPI upload token",
        ["pypi-AgEIcHlwaS5vcmc"],
        0,
        r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,300}",
        320,
        Shape
    ),
    provider!(
        "rubygems-api-key",
        "RubyGems API key",
        ["rubygems_"],
        0,
        r"rubygems_[a-f0-9]{48}",
        57,
        Random
    ),
    provider!(
        "nuget-api-key",
        "NuGet API key",
        ["oy2"],
        0,
        r"oy2[a-z0-9]{43}",
        46,
        Random
    ),
    provider!(
        "docker-hub-pat",
        "Docker Hub personal access token",
        ["dckr_pat_"],
        0,
        r"dckr_pat_[A-Za-z0-9_-]{27}",
        36,
        Random
    ),
    provider!(
        "jfrog-api-key",
        "JFrog API key",
        ["AKCp"],
        0,
        r"AKCp[A-Za-z0-9]{69}",
        73,
        Random
    ),
    provider!(
        "jfrog-reference-token",
        "JFrog reference token",
        ["cmVmdGtu"],
        0,
        r"cmVmdGtu[A-Za-z0-9]{56}",
        64,
        Random
    ),
    // Messaging and collaboration
    provider!(
        "slack-bot-token",
        "Slack bot token",
        ["xoxb-"],
        0,
        r"xoxb-[0-9]{8,13}-[0-9]{8,13}-[A-Za-z0-9]{24,32}",
        64,
        Shape
    ),
    provider!(
        "slack-user-token",
        "Slack user token",
        ["xoxp-"],
        0,
        r"xoxp-[0-9]{8,13}-[0-9]{8,13}-[0-9]{8,13}-[a-f0-9]{32}",
        86,
        Shape
    ),
    provider!(
        "slack-app-token",
        "Slack app-level token",
        ["xapp-"],
        0,
        r"xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,14}-[a-f0-9]{64}",
        100,
        Shape
    ),
    provider!(
        "slack-webhook-url",
        "Slack incoming webhook URL",
        ["hooks.slack.com/services/"],
        0,
        r"hooks\.slack\.com/services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{24}",
        90,
        Shape
    ),
    provider!(
        "discord-webhook-url",
        "Discord webhook URL",
        ["/api/webhooks/"],
        0,
        r"/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{68}",
        102,
        Shape
    ),
    provider!(
        "telegram-bot-token",
        "Telegram bot token",
        [":AA"],
        10,
        r"[0-9]{8,10}:AA[A-Za-z0-9_-]{33}",
        46,
        Shape
    ),
    provider!(
        "microsoft-teams-webhook-url",
        "Microsoft Teams webhook URL",
        ["/webhookb2/"],
        0,
        r"/webhookb2/[0-9a-f-]{36}@[0-9a-f-]{36}/IncomingWebhook/[a-f0-9]{32}/[0-9a-f-]{36}",
        170,
        Shape
    ),
    provider!(
        "sendgrid-api-key",
        "SendGrid API key",
        ["SG."],
        0,
        r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}",
        69,
        Shape
    ),
    provider!(
        "mailgun-api-key",
        "Mailgun API key",
        ["key-"],
        0,
        r"key-[a-f0-9]{32}",
        36,
        Random
    ),
    provider!(
        "mailchimp-api-key",
        "Mailchimp API key",
        ["-us"],
        32,
        r"[a-f0-9]{32}-us[0-9]{1,2}",
        37,
        Shape
    ),
    provider!(
        "notion-integration-token",
        "Notion integration token",
        ["ntn_"],
        0,
        r"ntn_[A-Za-z0-9]{46}",
        50,
        Random
    ),
    provider!(
        "linear-api-key",
        "Linear API key",
        ["lin_api_"],
        0,
        r"lin_api_[A-Za-z0-9]{40}",
        48,
        Random
    ),
    // Payments and commerce
    provider!(
        "stripe-secret-key",
        "Stripe live secret key",
        ["sk_live_"],
        0,
        r"sk_live_[A-Za-z0-9]{20,247}",
        255,
        Random
    ),
    provider!(
        "stripe-restricted-key",
        "Stripe live restricted key",
        ["rk_live_"],
        0,
        r"rk_live_[A-Za-z0-9]{20,247}",
        255,
        Random
    ),
    provider!(
        "stripe-test-secret-key",
        "Stripe test secret key",
        ["sk_test_"],
        0,
        r"sk_test_[A-Za-z0-9]{20,247}",
        255,
        Random,
        test
    ),
    provider!(
        "stripe-test-restricted-key",
        "Stripe test restricted key",
        ["rk_test_"],
        0,
        r"rk_test_[A-Za-z0-9]{20,247}",
        255,
        Random,
        test
    ),
    provider!(
        "stripe-webhook-secret",
        "Stripe webhook signing secret",
        ["whsec_"],
        0,
        r"whsec_[A-Za-z0-9+/]{32,64}",
        70,
        Random
    ),
    provider!(
        "square-access-token",
        "Square access token",
        ["EAAA"],
        0,
        r"EAAA[A-Za-z0-9_-]{60}",
        64,
        Random
    ),
    provider!(
        "square-oauth-token",
        "Square OAuth token",
        ["sq0atp-"],
        0,
        r"sq0atp-[A-Za-z0-9_-]{22}",
        29,
        Random
    ),
    provider!(
        "square-oauth-secret",
        "Square OAuth secret",
        ["sq0csp-"],
        0,
        r"sq0csp-[A-Za-z0-9_-]{43}",
        50,
        Random
    ),
    provider!(
        "shopify-access-token",
        "Shopify access token",
        ["shpat_"],
        0,
        r"shpat_[a-fA-F0-9]{32}",
        38,
        Random
    ),
    provider!(
        "shopify-custom-app-token",
        "Shopify custom app access token",
        ["shpca_"],
        0,
        r"shpca_[a-fA-F0-9]{32}",
        38,
        Random
    ),
    provider!(
        "shopify-private-app-token",
        "Shopify private app access token",
        ["shppa_"],
        0,
        r"shppa_[a-fA-F0-9]{32}",
        38,
        Random
    ),
    provider!(
        "shopify-shared-secret",
        "Shopify shared secret",
        ["shpss_"],
        0,
        r"shpss_[a-fA-F0-9]{32}",
        38,
        Random
    ),
    provider!(
        "shippo-api-token",
        "Shippo API token",
        ["shippo_live_"],
        0,
        r"shippo_live_[a-f0-9]{40}",
        52,
        Random
    ),
    provider!(
        "easypost-api-key",
        "EasyPost API key",
        ["EZAK"],
        0,
        r"EZAK[A-Za-z0-9]{54}",
        58,
        Random
    ),
    // AI and developer platforms
    provider!(
        "openai-api-key",
        "OpenAI API key",
        ["sk-proj-", "sk-svcacct-", "sk-admin-", "T3BlbkFJ"],
        64,
        r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,200}T3BlbkFJ[A-Za-z0-9_-]{16,200}",
        420,
        Random
    ),
    provider!(
        "anthropic-api-key",
        "Anthropic API key",
        ["sk-ant-api03-"],
        0,
        r"sk-ant-api03-[A-Za-z0-9_-]{93}AA",
        108,
        Shape
    ),
    provider!(
        "anthropic-admin-key",
        "Anthropic admin key",
        ["sk-ant-admin01-"],
        0,
        r"sk-ant-admin01-[A-Za-z0-9_-]{93}AA",
        110,
        Shape
    ),
    provider!(
        "huggingface-token",
        "Hugging Face access token",
        ["hf_"],
        0,
        r"hf_[A-Za-z]{34}",
        37,
        Random
    ),
    provider!(
        "huggingface-org-token",
        "Hugging Face organization token",
        ["api_org_"],
        0,
        r"api_org_[A-Za-z]{34}",
        42,
        Random
    ),
    provider!(
        "groq-api-key",
        "Groq API key",
        ["gsk_"],
        0,
        r"gsk_[A-Za-z0-9]{52}",
        56,
        Random
    ),
    provider!(
        "perplexity-api-key",
        "Perplexity API key",
        ["pplx-"],
        0,
        r"pplx-[A-Za-z0-9]{48}",
        53,
        Random
    ),
    provider!(
        "replicate-api-token",
        "Replicate API token",
        ["r8_"],
        0,
        r"r8_[A-Za-z0-9_-]{37}",
        40,
        Random
    ),
    // Observability
    provider!(
        "sentry-user-token",
        "Sentry user auth token",
        ["sntryu_"],
        0,
        r"sntryu_[a-f0-9]{64}",
        71,
        Random
    ),
    provider!(
        "sentry-org-token",
        "Sentry organization token",
        ["sntrys_"],
        0,
        r"sntrys_eyJ[A-Za-z0-9+/=_-]{40,400}_[A-Za-z0-9+/]{43}",
        460,
        Shape
    ),
    provider!(
        "grafana-service-account-token",
        "Grafana service account token",
        ["glsa_"],
        0,
        r"glsa_[A-Za-z0-9]{32}_[a-f0-9]{8}",
        46,
        Grafana
    ),
    provider!(
        "grafana-cloud-token",
        "Grafana Cloud access policy token",
        ["glc_"],
        0,
        r"glc_[A-Za-z0-9+/]{32,400}={0,2}",
        406,
        Base64Json
    ),
    provider!(
        "grafana-api-key",
        "Grafana API key",
        ["eyJrIjoi"],
        0,
        r"eyJrIjoi[A-Za-z0-9+/]{40,200}={0,2}",
        210,
        Base64Json
    ),
    provider!(
        "new-relic-user-key",
        "New Relic user API key",
        ["NRAK-"],
        0,
        r"NRAK-[A-Z0-9]{27}",
        32,
        Random
    ),
    provider!(
        "new-relic-insert-key",
        "New Relic insert key",
        ["NRII-"],
        0,
        r"NRII-[A-Za-z0-9_-]{32}",
        37,
        Random
    ),
    provider!(
        "new-relic-browser-key",
        "New Relic browser key",
        ["NRJS-"],
        0,
        r"NRJS-[a-f0-9]{19}",
        24,
        Random
    ),
    provider!(
        "dynatrace-token",
        "Dynatrace API token",
        ["dt0c01."],
        0,
        r"dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}",
        96,
        Shape
    ),
    provider!(
        "okta-api-token",
        "Okta API token",
        ["SSWS 00"],
        0,
        r"SSWS 00[A-Za-z0-9_-]{40}",
        47,
        Random
    ),
    // Keys and tokens by structure
    provider!(
        "age-secret-key",
        "age secret key",
        ["AGE-SECRET-KEY-1"],
        0,
        r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
        74,
        Age
    ),
    provider!(
        "json-web-token",
        "JSON Web Token",
        ["eyJ"],
        0,
        r"eyJ[A-Za-z0-9_-]{10,2000}\.eyJ[A-Za-z0-9_-]{4,4000}\.[A-Za-z0-9_-]{16,1000}",
        7000,
        Jwt
    ),
];

/// Compiled token shapes, in the order of [`PROVIDERS`].
pub fn compiled() -> &'static [Regex] {
    static COMPILED: OnceLock<Vec<Regex>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        PROVIDERS
            .iter()
            .map(|p| Regex::new(p.pattern).expect("provider patterns compile"))
            .collect()
    })
}

/// Characters that continue a token: a match followed by one of these is
/// part of something longer and not this format.
fn continues_token(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Leading characters of a match that are context, not secret: the
/// `AccountKey=` of a connection string, the `SSWS ` scheme of a header.
#[must_use]
pub fn context_len(provider: &Provider) -> usize {
    match provider.id {
        "azure-storage-account-key" => "AccountKey=".len(),
        "okta-api-token" => "SSWS ".len(),
        _ => 0,
    }
}

/// A token found at an anchor, before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenMatch {
    pub provider: usize,
    pub range: std::ops::Range<usize>,
}

/// Matches provider `index` around an anchor found at `anchor`.
#[must_use]
pub fn match_at(text: &str, index: usize, anchor: usize) -> Option<TokenMatch> {
    let provider = &PROVIDERS[index];
    let regex = &compiled()[index];
    let bytes = text.as_bytes();
    let window_start = floor_boundary(text, anchor.saturating_sub(provider.lead));
    let window_end = ceil_boundary(text, (anchor + provider.max_len + 1).min(text.len()));
    let window = &text[window_start..window_end];
    for found in regex.find_iter(window) {
        let start = window_start + found.start();
        let end = window_start + found.end();
        if start > anchor || end <= anchor {
            continue;
        }
        // Whole tokens only: nothing token-like glued to either side.
        // URL-shaped formats start with `/` or a host name.
        let starts_cleanly = start == 0
            || !continues_token(bytes[start - 1])
            || provider.pattern.starts_with("hooks")
            || provider.pattern.starts_with('/');
        let ends_cleanly = end == bytes.len() || !continues_token(bytes[end]);
        if starts_cleanly && ends_cleanly {
            return Some(TokenMatch {
                provider: index,
                range: start..end,
            });
        }
    }
    None
}

/// Why a matched token is not reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    ChecksumFailed,
    LowRandomness,
    BadStructure,
}

impl Rejection {
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Rejection::ChecksumFailed => "checksum failed",
            Rejection::LowRandomness => "low randomness",
            Rejection::BadStructure => "structure does not decode",
        }
    }
}

/// The fixed prefix of a provider's tokens (its first anchor when the
/// token starts there).
fn fixed_prefix(provider: &Provider, token: &str) -> usize {
    if provider.lead > 0 {
        return 0;
    }
    provider
        .anchors
        .iter()
        .filter(|a| token.starts_with(**a))
        .map(|a| a.len())
        .max()
        .unwrap_or(0)
}

/// Validates a matched token. `Ok(true)` when a checksum or structure
/// proved it, `Ok(false)` when only its shape did.
///
/// # Errors
/// Why the token is not this provider's.
pub fn validate(provider: &Provider, token: &str) -> Result<bool, Rejection> {
    let body = &token[fixed_prefix(provider, token)..];
    match provider.check {
        Check::Random => {
            let core: String = body.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
            if looks_generated(&core) || looks_generated(body) {
                Ok(false)
            } else {
                Err(Rejection::LowRandomness)
            }
        }
        Check::Shape => {
            if super::randomness::has_repeated_run(body, 8) {
                Err(Rejection::LowRandomness)
            } else {
                Ok(false)
            }
        }
        Check::GithubCrc => checksums::github_style_checksum_ok(token)
            .then_some(true)
            .ok_or(Rejection::ChecksumFailed),
        Check::Gitlab => {
            if token.contains('.') {
                checksums::gitlab_routable_checksum_ok(token)
                    .then_some(true)
                    .ok_or(Rejection::ChecksumFailed)
            } else if body.len() == 20 && looks_generated(body) {
                Ok(false)
            } else if body.len() == 20 {
                Err(Rejection::LowRandomness)
            } else {
                Err(Rejection::BadStructure)
            }
        }
        Check::Grafana => checksums::grafana_checksum_ok(token)
            .then_some(true)
            .ok_or(Rejection::ChecksumFailed),
        Check::Atlassian => checksums::atlassian_checksum_ok(token)
            .then_some(true)
            .ok_or(Rejection::ChecksumFailed),
        Check::Age => checksums::age_key_ok(token)
            .then_some(true)
            .ok_or(Rejection::ChecksumFailed),
        Check::Jwt => checksums::jwt_ok(token)
            .then_some(true)
            .ok_or(Rejection::BadStructure),
        Check::Base64Json => {
            let encoded = if provider.id == "grafana-api-key" {
                token
            } else {
                body
            };
            checksums::base64_json_ok(encoded)
                .then_some(true)
                .ok_or(Rejection::BadStructure)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles_and_every_id_is_unique() {
        assert!(PROVIDERS.len() >= 60, "{} formats", PROVIDERS.len());
        assert_eq!(compiled().len(), PROVIDERS.len());
        let mut ids: Vec<&str> = PROVIDERS.iter().map(|p| p.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), PROVIDERS.len());
    }

    #[test]
    fn every_token_contains_one_of_its_anchors() {
        // The pattern must not be able to match without an anchor, or the
        // multi-pattern pass would miss tokens.
        for provider in PROVIDERS {
            assert!(!provider.anchors.is_empty(), "{}", provider.id);
        }
    }

    #[test]
    fn tokens_glued_to_other_text_are_not_matched() {
        let index = PROVIDERS
            .iter()
            .position(|p| p.id == "aws-access-key-id")
            .unwrap();
        let text = "key=AKIAZ3X7QW2ERT5YU6IO";
        assert!(match_at(text, index, 4).is_some());
        let glued = "xAKIAZ3X7QW2ERT5YU6IO";
        assert!(match_at(glued, index, 1).is_none());
        let longer = "AKIAZ3X7QW2ERT5YU6IOQ";
        assert!(match_at(longer, index, 0).is_none());
    }
}
