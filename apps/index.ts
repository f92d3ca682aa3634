import { bookstore } from "./bookstore";
import { floresVictoria } from "./flores-victoria";
import { proyecto06 } from "./proyecto06";
import { ticketbuster } from "./ticketbuster";
import { ticketing } from "./ticketing";
import type { AppSpec } from "./types";

/** The catalog: every application this program deploys, chosen by the `app` config key. */
export const APPS: Record<string, AppSpec> = {
    ticketbuster,
    proyecto06,
    "flores-victoria": floresVictoria,
    ticketing,
    bookstore,
};

export const APP_NAMES = Object.keys(APPS) as [string, ...string[]];
export const DEFAULT_APP = "ticketbuster";
