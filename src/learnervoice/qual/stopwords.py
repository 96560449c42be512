"""Stop words by language: English from scikit-learn, Spanish and Catalan listed here (no download ever).

>>> "the" in stop_words(["en"]) and "que" in stop_words(["es"]) and "amb" in stop_words(["ca"])
True
"""

from __future__ import annotations

from collections.abc import Iterable

from ..text import strip_accents

SPANISH = frozenset("""
a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el él ella ellas
ellos en entre era erais eran eras eres es esa esas ese eso esos esta está estaba estado estamos están estar
estas este esto estos estoy fue fueron fui ha había habían han has hasta hay he la las le les lo los más me mi
mis mucho muy nada ni no nos nosotros o os otra otro para pero poco por porque que qué quien se sea ser si sí
sido sin sobre sois somos son soy su sus también tanto te tener tengo ti tiene tienen todo todos tu tus tú un
una uno unos usted vosotros y ya yo
""".split())
CATALAN = frozenset("""
a al als amb ara així aquell aquella aquelles aquells aquest aquesta aquestes aquests cap com d de del dels des
després doncs el ell ella elles ells em en ens entre era eren es és esta està estan estar estava fa fer fins ha
han havia hem heu hi ho i jo l la les li llur lo els m ma me meu meva mi molt més n na ni no nosaltres o on per
però perquè poc què qui s sa se seu seva si sí sense ser sobre som són sóc també tan te tinc tot tots tu un una
uns unes us va van vaig vostè y ja
""".split())


# what speech adds and writing does not: hesitations, tags, contractions' pieces ("don" of don't), words that in an
# interview mostly hold the floor ("I mean", "you know", "like"). Left out of candidate themes' terms only: a
# classifier weighs them itself.
SPOKEN = {
    "en": frozenset("""
uh um umm uhm erm er hmm mm mhm ah oh eh yeah yep yes no okay ok gonna wanna gotta kinda sorta like know mean
really just actually basically literally stuff thing things lot lots right sure guess think thought say said
got get don didn doesn isn wasn aren weren couldn wouldn shouldn won ll ve re let
""".split()),
    "es": frozenset("eh em mm bueno pues vale sea digamos tipo cosa cosas verdad claro entonces osea".split()),
    "ca": frozenset("eh em mm bé bueno doncs vale sigui diguem tipus cosa coses veritat clar llavors".split()),
}


def stop_words(languages: Iterable[str]) -> frozenset[str]:
    """The union of the stop words of these languages (those without a list add none), each also without its
    accents (`está` and `esta`): the vectorisers take accents off before they compare."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    known = {"en": frozenset(ENGLISH_STOP_WORDS), "es": SPANISH, "ca": CATALAN}
    words = frozenset().union(*(known.get(lang.split("-")[0].lower(), frozenset()) for lang in languages))
    return words | {strip_accents(w) for w in words}


def spoken_words(languages: Iterable[str]) -> frozenset[str]:
    """Stop words and the fillers of speech, for the terms a person reads (candidate themes)."""
    fillers = frozenset().union(*(SPOKEN.get(lang.split("-")[0].lower(), frozenset()) for lang in languages))
    return stop_words(languages) | fillers | {strip_accents(w) for w in fillers}
