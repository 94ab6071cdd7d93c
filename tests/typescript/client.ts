// A small partner-side program written against the client generated from openapi/v1.json. It must compile with
// tsc --strict: what a frontend or partner team writes first (sign in, refresh, register a person) type-checks with
// only the fields the API requires, and the lines marked @ts-expect-error must stay errors.
import createClient from "openapi-fetch";
import type { components, paths } from "./build/emprende";

type TokenForm = components["schemas"]["Body_create_token"];
type RefreshJson = paths["/api/v1/auth/refresh"]["post"]["requestBody"]["content"]["application/json"];
type RefreshForm = paths["/api/v1/auth/refresh"]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"];
type Registration = components["schemas"]["ParticipantCreateIn"];
type Token = components["schemas"]["TokenOut"];

const api = createClient<paths>({ baseUrl: "http://127.0.0.1:8000" });
const asForm = (body: Record<string, string | null | undefined>): URLSearchParams =>
  new URLSearchParams(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === "string"));

export async function signIn(email: string, password: string): Promise<Token | undefined> {
  // The password grant needs neither `grant_type` nor `scope`: the server assumes `password` and no scopes.
  const body: TokenForm = { username: email, password };
  const { data } = await api.POST("/api/v1/auth/token", { body, bodySerializer: asForm });
  return data;
}

export async function signInAsSystem(clientId: string, secret: string): Promise<string | undefined> {
  const body: TokenForm = { grant_type: "client_credentials", client_id: clientId, client_secret: secret, scope: "participants:read" };
  const { data } = await api.POST("/api/v1/auth/token", { body, bodySerializer: asForm });
  return data?.access_token;
}

export async function refresh(token: Token): Promise<Token | undefined> {
  const asJson: RefreshJson = { refresh_token: token.refresh_token ?? "" };
  const asFormBody: RefreshForm = { refresh_token: token.refresh_token ?? "" };
  const first = await api.POST("/api/v1/auth/refresh", { body: asJson });
  const second = await api.POST("/api/v1/auth/refresh", {
    body: asFormBody,
    bodySerializer: asForm,
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  return first.data ?? second.data;
}

export async function register(accessToken: string): Promise<string | undefined> {
  // Only the required fields: optional ones with a server-side default (preferred language...) may be left out.
  const person: Registration = {
    given_names: "María José",
    family_names: "Pérez Gómez",
    birth_date: "1990-05-17",
    sex: "female",
    population_group: "migrant",
    nationality: "VEN",
    registration_consent: { notice_version: "2026-01", method: "in_person" },
  };
  const { data, error } = await api.POST("/api/v1/participants", {
    body: person,
    headers: { Authorization: `Bearer ${accessToken}` },
  });
  if (error !== undefined) {
    return `${error.code}: ${error.detail}`;
  }
  return data.id;
}

// The token request's body is required, and its grant type is one of the two the server knows.
// @ts-expect-error the body is required
void api.POST("/api/v1/auth/token", {});
// @ts-expect-error not a grant type the server accepts
const unknownGrant: TokenForm = { grant_type: "authorization_code" };
void unknownGrant;
